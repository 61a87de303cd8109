import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
@testable import WanggeOperations
@testable import WanggeStore
@testable import WanggeServer

/// Errors say their kind; the server answers a kind with one status, never by reading the
/// error's text (issue 10, item 2).
@Suite struct ErrorTaxonomyTests {
    @Test func eachKindHasItsStatus() {
        let expected: [ErrorKind: Int] = [
            .badInput: 400, .invalidRows: 422, .notFound: 404, .conflict: 409, .unanswerable: 422,
            .tooLarge: 413, .unavailable: 503, .internal: 500,
        ]
        for kind in ErrorKind.allCases { #expect(Int(Problem.status(of: kind).code) == expected[kind], "\(kind)") }
    }

    @Test func errorsSayTheirKindAndWhere() throws {
        #expect(CSVRowError(line: 3, message: "the order id is empty").kind == .invalidRows)
        #expect(TokenError(description: "taken", kind: .conflict).kind == .conflict)
        #expect(TokenError(description: "bad").parameter == "name")
        #expect(QueryError("no query named x", kind: .notFound).kind == .notFound)
        #expect(OperationError.noCells.kind == .unanswerable)
        #expect(CostLimitExceeded(parameter: "radius", limit: "≤ 2000 m", message: "too far").parameter == "radius")
        #expect(CoordinateError.unknownCRS("EPSG:0").parameter == "crs")
        #expect(CoordinateError.nonFinite.parameter == nil)
        #expect(WorkCancelled().kind == .unavailable)
        #expect(InputFileError(path: "/x", reason: "No such file or directory").kind == .notFound)
        #expect(OutputFileError(path: "/x").kind == .unavailable)
        #expect(DatabaseError(code: 14, message: "unable to open database file", sql: nil).kind == .notFound)
        #expect(DatabaseError(code: 5, message: "database is locked", sql: nil).kind == .unavailable)
        #expect(DatabaseError(code: 1, message: "syntax error", sql: "SELEC").kind == .internal)
        // A CSV whose quote never closes is bad input naming its line.
        var reader = CSVReader(bytes: Array("id,name\n1,\"open\n".utf8))
        var fields: [Range<Int>] = []
        _ = try reader.next(into: &fields)
        do { _ = try reader.next(into: &fields); Issue.record("an unclosed quote must fail") } catch let error as CSVReader.Error {
            #expect(error.kind == .badInput && error.rows.map(\.row) == [2])
        }
    }

    /// The one shape of a rejected row: only the members said, so each answer keeps its fields.
    @Test func rejectedRowsRenderOnlyWhatTheySay() {
        #expect(
            RejectedRow(row: 3, id: "", field: "id", reason: "the order id is missing or empty").json.jsonText
                == #"{"field":"id","id":"","reason":"the order id is missing or empty","row":3}"#)
        #expect(
            RejectedRow(row: 7, id: "BS-1", reason: "no stored order has this id").json.jsonText
                == #"{"id":"BS-1","reason":"no stored order has this id","row":7}"#)
        #expect(RejectedRow(row: 2, reason: "x", byteOffset: 9).json.jsonText == #"{"byte_offset":9,"reason":"x","row":2}"#)
        #expect(RejectedRow(row: nil, reason: "error: the file holds no zones").json.jsonText == #"{"reason":"error: the file holds no zones"}"#)
    }

    /// The parameter of a parse error comes from ArgumentParser's error value, not its message.
    @Test func parseErrorsNameTheirParameterFromTheErrorValue() {
        func failure(_ arguments: [String], _ parse: ([String]) throws -> Void) -> (any Error)? {
            do { try parse(arguments); return nil } catch { return error }
        }
        let badValue = failure(["--db", "x", "--permutations", "many"]) { _ = try HotspotsParameters.parse($0) }
        #expect(badValue.flatMap(CommandArguments.parameterName(of:)) == "permutations")
        let unknown = failure(["--db", "x", "--colour", "red"]) { _ = try HotspotsParameters.parse($0) }
        #expect(unknown.flatMap(CommandArguments.parameterName(of:)) == "colour")
        let missing = failure(["--db", "x"]) { _ = try LightsParameters.parse($0) }
        #expect(missing.flatMap(CommandArguments.parameterName(of:)) == "as-of")
    }

    @Test func brokenCSVBodiesAre400NamingTheLine() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let csv = fixture.headers(.admin, contentType: "text/csv")
            // A units file whose quote never closes: was a 500 before the kinds.
            let units = try await client.execute(
                uri: "/v1/layers/units", method: .put, headers: csv,
                body: ByteBuffer(string: "id,name,kind,area,sla_hours\nU-1,\"Open quote,street,310113102,72\n"))
            #expect(units.status == .badRequest, "\(units.text)")
            #expect(units.json["type"] == .string("tag:wangge,2026:problem:bad-csv"))
            #expect(units.json["rows"]?.array.first?["row"] == .number(2))
            let events = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: "status,at\ndispatched,\"2025-01-01\n"))
            #expect(events.status == .badRequest, "\(events.text)")
            #expect(events.json["rows"]?.array.first?["row"] == .number(2))
            let orders = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: "id,lon,lat,category,received_at\nT-1,121.4,31.3,\"乱设摊,2025-01-01\n"))
            #expect(orders.status == .badRequest, "\(orders.text)")
            #expect(orders.json["rows"]?.array.first?["row"] == .number(2))
        }
    }

    @Test func notFoundConflictAndRowsHaveTheirStatus() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            let unknownQuery = try await client.execute(uri: "/v1/queries/no_such_query", method: .get, headers: h)
            #expect(unknownQuery.status == .notFound && unknownQuery.json["type"] == .string("tag:wangge,2026:problem:not-found"))
            let missing = try await client.execute(uri: "/v1/queries/order_by_id", method: .get, headers: h)
            #expect(missing.status == .badRequest && missing.json["parameter"] == .string("id"), "\(missing.text)")
            let badValue = try await client.execute(uri: "/v1/queries/layer_orders?from=soon", method: .get, headers: h)
            #expect(badValue.status == .badRequest && badValue.json["parameter"] == .string("from"), "\(badValue.text)")
            let unknownOrder = try await client.execute(uri: "/v1/orders/NOPE", method: .get, headers: h)
            #expect(unknownOrder.status == .notFound)
            // Rows failing validation: 422 with the rows, each in the one rejected-row shape.
            let rows = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: "id,lon,lat,category,received_at\n,121.4,31.3,乱设摊,2025-01-01\n"))
            #expect(rows.status == .unprocessableContent)
            #expect(
                rows.json["rows"]?.array.first
                    == .object([
                        "row": .number(2), "id": .string(""), "field": .string("id"), "reason": rows.json["rows"]?.array.first?["reason"] ?? .null,
                    ]))
            #expect(rows.json["rows_total"] == .number(1))
        }
    }

    /// "No cells" is one kind everywhere: 422 unanswerable, whichever method asks.
    @Test func noCellsIsUnanswerableEverywhere() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let emptied = try await client.execute(
                uri: "/v1/layers/cells?allow-empty=true", method: .put,
                headers: fixture.headers(.admin, contentType: "application/geo+json"),
                body: ByteBuffer(string: #"{"type":"FeatureCollection","features":[]}"#))
            #expect(emptied.status == .ok, "\(emptied.text)")
            for uri in ["/v1/hotspots?method=gi", "/v1/hotspots?method=kde"] {
                let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.reader))
                #expect(response.status == .unprocessableContent, "\(uri): \(response.text)")
                #expect(response.json["type"] == .string("tag:wangge,2026:problem:unanswerable"), "\(uri)")
            }
        }
    }
}
