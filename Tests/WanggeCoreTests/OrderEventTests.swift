import Testing
@testable import WanggeCore

@Suite struct OrderEventTests {
    /// One reading of an event's texts: status in any case, the time in any accepted form;
    /// a problem names its field.
    @Test func parseChecksStatusAndTime() throws {
        let event = try OrderEvent.parse(line: 3, orderID: "A", status: "Resolved", at: "2025-07-01 09:00", note: "ok").get()
        #expect(event.status == .resolved && event.orderID == "A" && event.line == 3 && event.note == "ok")
        #expect(event.at == Timestamp.parse("2025-07-01T09:00:00+08:00"))
        #expect(event.atText == "2025-07-01 09:00")
        let badStatus = OrderEvent.parse(line: 4, orderID: "A", status: "Fixed", at: "2025-07-01 09:00", note: "")
        #expect(
            badStatus
                == .failure(
                    RejectedRow(
                        row: 4, id: "A", field: "status",
                        reason: "unknown status \"fixed\"; expected one of received, dispatched, resolved, closed, reopened")))
        let badTime = OrderEvent.parse(line: 5, orderID: "A", status: "closed", at: "yesterday", note: "")
        #expect(badTime == .failure(RejectedRow(row: 5, id: "A", field: "at", reason: "at \"yesterday\" is not a time; expected \(Timestamp.forms)")))
    }

    /// The file of `wangge import events` and the body of one order's events are read alike.
    @Test func csvWithAndWithoutOrderColumn() throws {
        let file = Array("id,status,at,note\nA,dispatched,2025-07-01 09:00,x\n,closed,2025-07-02 09:00,\nB,done,2025-07-02 09:00,\nC,closed\n".utf8)
        let (events, problems) = try OrderEvent.read(file)
        #expect(events.map(\.orderID) == ["A"] && events[0].note == "x")
        #expect(problems.map(\.row) == [3, 4, 5])
        #expect(problems.map(\.id) == ["", "B", ""])
        #expect(problems[0].reason == "the order id is empty")
        #expect(problems[2].reason == "has 2 fields, the header has 4")

        var rows: [Result<OrderEvent, RejectedRow>] = []
        try OrderEvent.forEachRow(Array("Status,At\nresolved,2025-07-01 09:00\nresolved,soon\n".utf8), orderID: "P") { rows.append($0) }
        #expect(rows.count == 2)
        #expect((try? rows[0].get())?.orderID == "P")
        #expect(rows[1] == .failure(RejectedRow(row: 3, id: "P", field: "at", reason: "at \"soon\" is not a time; expected \(Timestamp.forms)")))
    }

    /// A file without the columns fails whole, naming what the header needs.
    @Test func headerProblemsFailTheFile() {
        #expect(throws: CSVRowError.self) { try OrderEvent.read([]) }
        do {
            try OrderEvent.forEachRow(Array("status,note\nclosed,x\n".utf8), orderID: "P") { _ in }
            Issue.record("a header without `at` was accepted")
        } catch let e as CSVRowError {
            #expect(e.message == "the header must name status,at (and optionally note)")
        } catch { Issue.record("\(error)") }
        do {
            _ = try OrderEvent.read(Array("status,at\nclosed,2025-07-01 09:00\n".utf8))
            Issue.record("a header without `id` was accepted")
        } catch let e as CSVRowError {
            #expect(e.message == "the header must name id,status,at (and optionally note)")
        } catch { Issue.record("\(error)") }
    }
}
