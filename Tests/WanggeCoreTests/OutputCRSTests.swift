import Testing
@testable import WanggeCore

/// Output coordinates for Chinese basemaps (`--crs gcj02|bd09`).
@Suite struct OutputCRSTests {
    /// Order BS2025000001's position, shifted by the published formulas (coordtransform's
    /// Python, computed independently of this code).
    static let wgs = Coordinate(121.404567, 31.305585)
    static let gcj = Coordinate(121.409224838, 31.303781724)
    static let bd = Coordinate(121.415714110, 31.309763196)

    @Test func knownPointShiftsAsTheFormulas() {
        let gcj = OutputCRS.gcj02.apply(Self.wgs), bd = OutputCRS.bd09.apply(Self.wgs)
        #expect(abs(gcj.x - Self.gcj.x) < 1e-7 && abs(gcj.y - Self.gcj.y) < 1e-7)
        #expect(abs(bd.x - Self.bd.x) < 1e-7 && abs(bd.y - Self.bd.y) < 1e-7)
        #expect(OutputCRS.wgs84.apply(Self.wgs) == Self.wgs)
    }

    @Test func geometriesShiftEveryPositionAndCollectionsSaySo() {
        let line = Geometry.lineString([Self.wgs, Coordinate(121.41, 31.31)])
        guard case .lineString(let shifted) = OutputCRS.gcj02.apply(line) else { Issue.record("not a line"); return }
        #expect(shifted[0] == ChinaOffset.gcj02(fromWGS84: Self.wgs) && shifted[1] == ChinaOffset.gcj02(fromWGS84: Coordinate(121.41, 31.31)))
        #expect(OutputCRS(parsing: "GCJ-02") == .gcj02 && OutputCRS(parsing: "bd09") == .bd09 && OutputCRS(parsing: "") == .wgs84)
        #expect(OutputCRS(parsing: "epsg:3857") == nil)
        let feature = GeoJSON.feature(.point(Self.wgs), id: .string("A"), properties: ["id": .string("A")])
        #expect(
            feature.jsonText
                == #"{"geometry":{"coordinates":[121.404567,31.305585],"type":"Point"},"id":"A","properties":{"id":"A"},"type":"Feature"}"#)
        #expect(GeoJSON.featureCollection([feature]).jsonText.contains("crs_note") == false)
        #expect(GeoJSON.featureCollection([feature], crs: .bd09).jsonText.contains(#""crs_note":"coordinates are BD-09"#))
    }
}
