import Foundation
import Testing
@testable import WanggeCore

@Suite struct AddressLayerTests {
    @Test func csvLayer() throws {
        let csv = """
            id,kind,name,road,number,street,lon,lat
            D-1,door,,场中路,484号,310113102,121.404567,31.305585
            D-2,door,,大华三路,２００弄十二号,,121.41,31.30
            S-1,shop,好邻居便利店,场中路,5号,310113102,121.4,31.3
            P-1,place,朝阳小区,,,,121.42,31.31
            D-1,door,,场中路,486号,,121.4,31.3
            D-3,door,,,12号,,121.4,31.3
            D-4,door,,场中路,,,121.4,31.3
            D-5,gate,,场中路,1号,,121.4,31.3
            D-6,door,,场中路,第一号,,121.4,31.3
            P-2,place,,,,,121.4,31.3
            D-7,door,,场中路,1号,31011310,121.4,31.3
            D-8,door,,场中路,1号,,200,31.3
            D-9,door,,场中路,1号,,x,31.3
            D-10,door,,场中路,484号,,121.4,31.3

            """
        let (addresses, report) = try AddressLayerDecoder.decode(csv: Array(csv.utf8))
        #expect(addresses.map(\.id) == ["D-1", "D-2", "S-1", "P-1", "D-10"])
        #expect(addresses[0].number == AddressNumber(house: 484) && addresses[0].point == Coordinate(121.404567, 31.305585))
        #expect(addresses[1].number == AddressNumber(lane: 200, house: 12) && addresses[1].street == "")
        #expect(addresses[2].kind == .shop && addresses[2].name == "好邻居便利店")
        #expect(
            report.errors.map(\.message) == [
                "line 6: duplicate address id D-1 (also line 2)",
                "line 7 (id D-3): a door needs a road",
                "line 8 (id D-4): a door needs a number",
                "line 9 (id D-5): kind \"gate\" is not door, place or shop",
                "line 10 (id D-6): number \"第一号\" is not a house number (e.g. 484号, 200弄12号, 12号楼)",
                "line 11 (id P-2): a place needs a name",
                "line 12 (id D-7): street \"31011310\" is not a 9-digit street/town code",
                "line 13 (id D-8): longitude 200.0 is outside [-180, 180]",
                "line 14: coordinates \"x\", \"31.3\" are not numbers",
            ])
        #expect(report.warnings.map(\.message) == ["line 15 (id D-10): 场中路484号 is also door D-1"])
    }

    @Test func missingColumnFailsTheFile() {
        #expect(throws: CSVRowError.self) { try AddressLayerDecoder.decode(csv: Array("id,kind,lon\n".utf8)) }
    }

    @Test func geoJSONLayer() throws {
        let json = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"D-1","kind":"door","road":"场中路","number":"484号","street":"310113102"},"geometry":{"type":"Point","coordinates":[121.404567,31.305585]}},
            {"type":"Feature","id":"P-1","properties":{"kind":"place","name":"朝阳小区"},"geometry":{"type":"Point","coordinates":[121.42,31.31]}},
            {"type":"Feature","properties":{"id":"P-2","kind":"place","name":"汶水商厦"},"geometry":{"type":"LineString","coordinates":[[121.42,31.31],[121.43,31.31]]}}
            ]}
            """
        let features = try GeoJSON.decodeFeatureCollection(Data(json.utf8))
        let (addresses, report) = AddressLayerDecoder.decode(features: features)
        #expect(addresses.map(\.id) == ["D-1", "P-1"])
        #expect(addresses[0].point == Coordinate(121.404567, 31.305585) && addresses[0].street == "310113102")
        #expect(report.errors.map(\.message) == ["feature 2 (id P-2): a standard address must be a Point, not LineString"])
    }
}
