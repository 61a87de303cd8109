import Foundation
import Testing
@testable import WanggeAnalytics
@testable import WanggeCore
import WanggeTestSupport

/// Gi* on the 宝山 sample district against PySAL esda (Tests/Fixtures/make_gi_fixture.py says
/// exactly how the fixture was produced: shapely centroids in EPSG:4549 via pyproj, libpysal
/// distance band, esda.G_Local(star=True)).
@Suite struct EsdaFixtureTests {
    static var root: URL { SampleData.root }

    @Test func giStarMatchesEsdaOnTheSampleDistrict() throws {
        let geojson = try Data(contentsOf: Self.root.appendingPathComponent("GeoData/baoshan/cells.geojson"))
        var district = District()
        district.cells = LayerDecoder.cells(try GeoJSON.decodeFeatureCollection(geojson), crs: .wgs84).0
        let index = try DistrictIndex(district: district)
        let sites = zip(index.cells, index.cellCentroidsMetres()).map { Hotspots.Site(code: $0.code, area: $1.area, x: $1.x, y: $1.y) }
        func count(_ code: String) -> Int {
            let digits = Array(code)
            return (7 * Int(String(digits[12 ..< 15]))! + 3 * Int(String(digits[9 ..< 12]))! + 5 * Int(String(digits[8]))!) % 11
        }
        let counts = Dictionary(uniqueKeysWithValues: sites.map { ($0.code, count($0.code)) })
        let (rows, _) = Hotspots.giStar(sites: sites, counts: counts, band: 200, falseDiscoveryRate: false)
        let smallest = Hotspots.giStar(sites: sites, counts: counts, band: nil, falseDiscoveryRate: false).band

        let text = try String(contentsOf: Self.root.appendingPathComponent("Tests/Fixtures/gi_baoshan_esda.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        // "# band_m=200.0 smallest_band_m=…": the fixture's band, and libpysal's smallest band
        // giving every cell a neighbour, which must equal ours.
        let header = lines[0].split(separator: " ").dropFirst().map { $0.split(separator: "=") }
        #expect(Double(header[0][1]) == 200)
        let esdaSmallest = Double(header[1][1])!
        #expect(abs(smallest - esdaSmallest) < 1e-6, "smallest band \(smallest) vs libpysal \(esdaSmallest)")
        let expected = lines.dropFirst(2).map { $0.split(separator: ",").map(String.init) }
        #expect(expected.count == 1200 && rows.count == 1200)
        var worst = 0.0
        for (row, e) in zip(rows, expected) {
            #expect(row.cell == e[0] && row.count == Int(e[1]))
            worst = max(worst, abs(row.result.z - Double(e[2])!), abs(row.result.p - Double(e[3])!))
        }
        #expect(worst < 1e-6, "largest difference from esda: \(worst)")
    }
}
