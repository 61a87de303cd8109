import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeStore
@testable import WanggeServer

@Suite struct OrderRouteTests {
    static let order =
        #"{"id":"T-1","lon":121.404567,"lat":31.305585,"category":"违法搭建","received_at":"2025-06-01T08:00:00+08:00","address":"纪蕴路484号"}"#

    @Test func postedOrdersAreStoredRoutedAndIdempotent() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.operator, contentType: "application/json")
            let first = try await client.execute(uri: "/v1/orders", method: .post, headers: h, body: ByteBuffer(string: Self.order)).json
            #expect(first["stored"] == .number(1))
            #expect(first["inserted"] == .number(1))
            let assignment = try #require(first["assignments"]?.array.first)
            // The same point and category routed by the core directly.
            let assigned = try await client.execute(
                uri: "/v1/assign?lon=121.404567&lat=31.305585&category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA",
                method: .get, headers: fixture.headers(.reader)
            ).json
            for field in ["status", "cell", "cells", "street", "community", "unit", "route", "zone", "points", "distance_m"] {
                #expect(assignment[field] == assigned[field], "\(field)")
            }
            #expect(assigned["cell"]?.text?.count == 15)
            #expect(assigned["street_name"] != .string(""))
            // Re-posting updates, never duplicates.
            let again = try await client.execute(uri: "/v1/orders", method: .post, headers: h, body: ByteBuffer(string: Self.order)).json
            #expect(again["inserted"] == .number(0))
            #expect(again["updated"] == .number(1))
            let stored = try await client.execute(uri: "/v1/orders/T-1", method: .get, headers: fixture.headers(.reader)).json
            #expect(stored["id"] == .string("T-1"))
            #expect(stored["cell"] == assignment["cell"])
            #expect(stored["attributes"]?["address"] == .string("纪蕴路484号"))
            #expect(stored["history"]?.array.isEmpty == true)
        }
    }

    @Test func csvBatchesAndTheirRows() async throws {
        let fixture = try ServerFixture()
        let csv = """
            id,lon,lat,category,received_at
            C-1,121.4045,31.3055,暴露垃圾,2025-06-01T08:00:00+08:00
            C-2,121.4142,31.3036,暴露垃圾,not a time
            ,121.4142,31.3036,暴露垃圾,2025-06-01T08:00:00+08:00
            C-4,abc,31.3036,暴露垃圾,2025-06-01T09:00:00+08:00
            """
        try await fixture.test { client in
            let h = fixture.headers(.operator, contentType: "text/csv")
            let refused = try await client.execute(uri: "/v1/orders", method: .post, headers: h, body: ByteBuffer(string: csv))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let rows = refused.json["rows"]?.array ?? []
            #expect(rows.map { $0["row"] } == [.number(3), .number(4)])
            #expect(rows.map { $0["field"] } == [.string("received_at"), .string("id")])
            // Nothing was stored.
            #expect(try await client.execute(uri: "/v1/orders/C-1", method: .get, headers: fixture.headers(.reader)).status == .notFound)
            // partial=true stores the good rows; C-4's unusable coordinates are stored for manual dispatch.
            let partial = try await client.execute(uri: "/v1/orders?partial=true", method: .post, headers: h, body: ByteBuffer(string: csv)).json
            #expect(partial["stored"] == .number(2))
            #expect(partial["rejected"]?.array.count == 2)
            #expect(partial["manual_dispatch"]?.array.first?["id"] == .string("C-4"))
            let list = try await client.execute(uri: "/v1/orders?status=invalid", method: .get, headers: fixture.headers(.reader)).json
            #expect(list.array.contains { $0["id"] == .string("C-4") })
        }
    }

    @Test func jsonRowsWithWrongTypesAreNamed() async throws {
        let fixture = try ServerFixture()
        let body =
            #"[{"id":"J-1","lon":true,"lat":31.3,"category":"x","received_at":"2025-06-01T08:00:00+08:00"},"#
            + #"{"id":"J-2","lon":121.4,"lat":31.3,"category":7,"received_at":"2025-06-01T08:00:00+08:00"},"#
            + #"{"lon":121.4,"lat":31.3,"category":"x","received_at":"2025-06-01T08:00:00+08:00"},"#
            + #"{"id":"J-4","lon":121.4,"lat":31.3,"category":"x","received_at":"yesterday"}]"#
        try await fixture.test { client in
            let response = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent)
            let rows = response.json["rows"]?.array ?? []
            #expect(rows.map { $0["field"] } == [.string("lon"), .string("category"), .string("id"), .string("received_at")])
            #expect(rows.map { $0["row"] } == [.number(1), .number(2), .number(3), .number(4)])
        }
    }

    @Test func badBodiesAreRefusedClearly() async throws {
        let fixture = try ServerFixture(maxBodyBytes: 2048)
        try await fixture.test { client in
            let h = fixture.headers(.operator, contentType: "application/json")
            let broken = try await client.execute(uri: "/v1/orders", method: .post, headers: h, body: ByteBuffer(string: #"{"id": "#))
            #expect(broken.status == .badRequest)
            #expect(broken.json["detail"]?.text?.contains("cannot be parsed") == true)
            let wrongType = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/plain"),
                body: ByteBuffer(string: "x"))
            #expect(wrongType.status == .unsupportedMediaType)
            let huge = try await client.execute(
                uri: "/v1/orders", method: .post, headers: h,
                body: ByteBuffer(string: "[" + String(repeating: Self.order + ",", count: 30) + Self.order + "]"))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.json["title"] == .string("Body too large"))
            let unknown = try await client.execute(uri: "/v1/orders?bogus=1", method: .post, headers: h, body: ByteBuffer(string: Self.order))
            #expect(unknown.status == .badRequest)
            #expect(unknown.json["parameter"] == .string("bogus"))
            // Nothing stored by any of them.
            #expect(try await client.execute(uri: "/v1/orders/T-1", method: .get, headers: fixture.headers(.reader)).status == .notFound)
        }
    }

    @Test func eventsFollowTheLifecycle() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.operator, contentType: "application/json")
            let applied = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post, headers: h,
                body: ByteBuffer(
                    string: """
                        [{"status":"dispatched","at":"2025-01-01T08:00:00+08:00"},{"status":"resolved","at":"2025-01-02T08:00:00+08:00","note":"已拆除"}]
                        """)
            ).json
            #expect(applied["status"] == .string("resolved"))
            #expect(applied["history"]?.array.map { $0["status"] } == [.string("dispatched"), .string("resolved")])
            #expect(applied["history"]?.array.last?["note"] == .string("已拆除"))
            // resolved → dispatched is not a step of the lifecycle: refused, nothing applied.
            let refused = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post, headers: h,
                body: ByteBuffer(
                    string: """
                        [{"status":"closed","at":"2025-01-03T08:00:00+08:00"},{"status":"dispatched","at":"2025-01-04T08:00:00+08:00"}]
                        """))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["rows"]?.array.first?["reason"]?.text?.contains("cannot go from closed to dispatched") == true)
            let after = try await client.execute(uri: "/v1/orders/BS2025000001", method: .get, headers: fixture.headers(.reader)).json
            #expect(after["status"] == .string("resolved"))
            #expect(after["history"]?.array.count == 2)
            let unknownStatus = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post, headers: h,
                body: ByteBuffer(string: #"{"status":"done","at":"2025-01-03T08:00:00+08:00"}"#))
            #expect(unknownStatus.status == .unprocessableContent)
            #expect(unknownStatus.json["rows"]?.array.first?["field"] == .string("status"))
            let missing = try await client.execute(
                uri: "/v1/orders/NOPE/events", method: .post, headers: h,
                body: ByteBuffer(string: #"{"status":"dispatched","at":"2025-01-03T08:00:00+08:00"}"#))
            #expect(missing.status == .notFound)
            // CSV works the same way.
            let csv = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: "status,at,note\nclosed,2025-01-03T08:00:00+08:00,核实结案\n")
            ).json
            #expect(csv["status"] == .string("closed"))
        }
    }
}

@Suite struct GroupCommitTests {
    /// Concurrent posts are committed together, yet each is answered with its own figures;
    /// an id posted by two requests is stored once, with the later posting's values.
    @Test func concurrentPostsShareCommitsButNotAnswers() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.operator, contentType: "text/csv")
            func batch(_ n: Int) -> String {
                "id,lon,lat,category,received_at\n"
                    + (0 ..< 200).map { i in
                        "G-\(n)-\(i),\(121.40 + Double(i) * 0.0002),\(31.30 + Double(n) * 0.001),暴露垃圾,2025-06-0\(1 + n % 9)T08:00:00+08:00"
                    }.joined(separator: "\n") + "\nSHARED,121.41,31.30\(n),违法搭建,2025-06-01T08:00:00+08:00\n"
            }
            let answers = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
                for n in 0 ..< 8 {
                    group.addTask {
                        (n, try await client.execute(uri: "/v1/orders", method: .post, headers: h, body: ByteBuffer(string: batch(n))).json)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for n in 0 ..< 8 {
                let a = try #require(answers[n])
                #expect(a["stored"] == .number(201))
                #expect(a["assignments"]?.array.count == 201)
                #expect(a["assignments"]?.array.first?["id"] == .string("G-\(n)-0"))
            }
            let inserted: Double = answers.values.reduce(0.0) { sum, a in sum + (a["inserted"]?.number ?? 0) }
            #expect(inserted == 1601)
            let shared = try await client.execute(uri: "/v1/orders/SHARED", method: .get, headers: fixture.headers(.reader)).json
            #expect(shared["category"] == .string("违法搭建"))
            let stored = try await client.execute(uri: "/v1/queries/orders_by_unit", method: .get, headers: fixture.headers(.reader)).json
            let total: Double = stored.array.reduce(0.0) { sum, row in sum + (row["count"]?.number ?? 0) }
            #expect(total == 6601)
        }
    }
}
