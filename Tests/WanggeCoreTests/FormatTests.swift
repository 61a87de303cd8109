import Foundation
import Testing
@testable import WanggeCore

@Suite struct FormatTests {
    @Test func csvQuotesLineBreaksAndBOM() throws {
        let text = "\u{FEFF}id,desc,n\r\n1,\"a, \"\"quoted\"\"\nline\",3\r\n\n2,plain,4\n"
        var reader = CSVReader(bytes: Array(text.utf8))
        var f: [Range<Int>] = []
        #expect(try reader.next(into: &f))
        #expect(f.map(reader.string) == ["id", "desc", "n"])
        #expect(try reader.next(into: &f))
        #expect(f.map(reader.string) == ["1", "a, \"quoted\"\nline", "3"])
        #expect(reader.line == 2)
        #expect(try reader.next(into: &f))
        #expect(f.map(reader.string) == ["2", "plain", "4"])
        #expect(reader.line == 5)
        #expect(try !reader.next(into: &f))
    }

    @Test func csvUnclosedQuoteNamesTheLine() {
        var reader = CSVReader(bytes: Array("a,b\n1,\"oops\n".utf8))
        var f: [Range<Int>] = []
        #expect(throws: CSVReader.Error.self) {
            while try reader.next(into: &f) {}
        }
    }

    @Test func csvWriterQuotesOnlyWhenNeeded() {
        var w = CSVWriter()
        w.write(["a", "b,c", "say \"hi\"", "多行\n文本"])
        #expect(String(decoding: w.bytes, as: UTF8.self) == "a,\"b,c\",\"say \"\"hi\"\"\",\"多行\n文本\"\n")
        #expect(AssignmentRow.millimetres(12.3456) == "12.346")
        #expect(AssignmentRow.millimetres(0.0004) == "0.000")
        #expect(AssignmentRow.millimetres(1000.05) == "1000.050")
    }

    @Test func timestamps() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parse("2025-03-14T09:21:00+08:00") == 1_741_915_260)
        #expect(Timestamp.parse("2025-03-14 09:21:00") == 1_741_915_260)  // no zone: UTC+8
        #expect(Timestamp.parse("2025-03-14T01:21:00.5Z") == 1_741_915_260.5)
        #expect(Timestamp.parse("2025-03-14T09:21+0800") == 1_741_915_260)
        #expect(Timestamp.parse("2024-02-29") == 1_709_136_000)
        #expect(Timestamp.parse("2025-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2025-13-01") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2025-03-14T25:00:00Z") == nil)
        #expect(Timestamp.format(1_741_915_260) == "2025-03-14T09:21:00+08:00")
    }

    @Test func wkbRoundTrip() throws {
        let geometries: [Geometry] = [
            .point(Coordinate(121.5, 31.2)),
            .lineString([Coordinate(0, 0), Coordinate(1, 1)]),
            .polygon(Polygon(exterior: closedRing([(0, 0), (4, 0), (4, 4), (0, 4)]), holes: [closedRing([(1, 1), (1, 2), (2, 2)])])),
            .multiPolygon([Polygon(exterior: closedRing([(0, 0), (1, 0), (1, 1)])), Polygon(exterior: closedRing([(5, 5), (6, 5), (6, 6)]))]),
            .multiPoint([Coordinate(1, 2), Coordinate(3, 4)]),
            .multiLineString([[Coordinate(0, 0), Coordinate(1, 0)], [Coordinate(2, 2), Coordinate(3, 3)]]),
        ]
        for g in geometries { #expect(try WKB.decode(WKB.encode(g)) == g) }
        #expect(throws: WKB.Error.self) { try WKB.decode([1, 3, 0, 0, 0, 1]) }
    }

    @Test func geoJSONProblemsNameTheFeature() {
        func decode(_ s: String) -> String {
            do { _ = try GeoJSON.decodeFeatureCollection(Data(s.utf8)); return "ok" } catch { return "\(error)" }
        }
        let open =
            #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}"#
        #expect(decode(open).contains("feature 0 (code A): exterior ring is not closed"))
        let short =
            #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"Z"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]}"#
        #expect(decode(short).contains("feature 0 (id Z): exterior ring has 3 positions"))
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":["a",1]}}]}"#
        #expect(decode(text).contains("feature 0: a position holds a non-number"))
        #expect(decode("{\"type\":\"Feature\"}").contains("expected a GeoJSON FeatureCollection"))
        #expect(decode("{oops").contains("not valid JSON"))
        let nullGeometry = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#
        #expect(decode(nullGeometry).contains("geometry is missing or null"))
    }

    @Test func geoJSONEncodeFollowsRFC7946() throws {
        // A clockwise exterior comes out counter-clockwise, rounded to 7 decimals.
        let cw = Geometry.polygon(Polygon(exterior: LinearRing([Coordinate(0, 0), Coordinate(0, 1), Coordinate(1.123456789, 1), Coordinate(0, 0)])))
        #expect(GeoJSON.encode(cw).jsonText == #"{"coordinates":[[[0,0],[1.1234568,1],[0,1],[0,0]]],"type":"Polygon"}"#)
    }
}
