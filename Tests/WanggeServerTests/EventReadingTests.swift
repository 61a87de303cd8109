import Foundation
import HummingbirdTesting
import NIOCore
import Testing
@testable import WanggeCore
@testable import WanggeServer

@Suite struct EventReadingTests {
    /// POST /v1/orders/{id}/events reads events as `wangge import events` does
    /// (``OrderEvent/parse``): the same reasons, in JSON and in CSV, with the field at fault.
    @Test func bodiesAreReadAsTheEventsFile() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let json = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post,
                headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: #"[{"status":"Done","at":"2025-01-03T08:00:00+08:00"},{"status":"dispatched","at":"soon"}]"#))
            #expect(json.status == .unprocessableContent)
            let rows = json.json["rows"]?.array ?? []
            #expect(rows.map { $0["field"] } == [.string("status"), .string("at")])
            #expect(rows.first?["reason"] == .string("unknown status \"done\"; expected one of received, dispatched, resolved, closed, reopened"))
            #expect(rows.last?["reason"] == .string("at \"soon\" is not a time; expected \(Timestamp.forms)"))
            let csv = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post,
                headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: "status,at\ndispatched,soon\nclosed\n"))
            #expect(csv.status == .unprocessableContent)
            let csvRows = csv.json["rows"]?.array ?? []
            #expect(csvRows.map { $0["row"] } == [.number(2), .number(3)])
            #expect(csvRows.first?["reason"] == rows.last?["reason"])
            #expect(csvRows.last?["field"] == .string("row"))
            let noTime = try await client.execute(
                uri: "/v1/orders/BS2025000001/events", method: .post,
                headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: "status,note\nclosed,x\n"))
            #expect(noTime.status == .badRequest)
        }
    }
}
