import Foundation
import Testing
@testable import WanggeAnalytics
@testable import WanggeCore
@testable import WanggeStore

@Suite struct LifecycleTests {
    /// Three orders in cell 003 (western column: squad zone, 48 h; street unit 72 h) and a
    /// hand-built history with every transition, imported into a fresh store. Returns the store,
    /// the directory to remove and the events' import report.
    static func handBuiltHistory() throws -> (store: WanggeStore, dir: URL, report: ImportReport) {
        let (store, dir) = try Fixture.store()
        let importer = Importer(store: store)
        let x = Fixture.x0 + 0.25 * Fixture.dx, y = Fixture.y0 + 0.25 * Fixture.dy
        let orders = """
            id,lon,lat,category,received_at
            O1,\(x),\(y),违法搭建,2025-01-01T09:00:00+08:00
            O2,\(x),\(y),道路破损,2025-01-01T09:00:00+08:00
            O3,\(x),\(y),道路破损,2025-01-01T09:00:00+08:00
            """
        _ = try importer.importLayer(.orders, bytes: Array(orders.utf8))
        let events = """
            id,status,at,note
            O1,dispatched,2025-01-01T10:00:00+08:00,派单
            O2,closed,2025-01-01T10:00:00+08:00,
            O1,resolved,2025-01-02T09:00:00+08:00,"已整改, 附照片"
            O1,closed,2025-01-02T10:00:00+08:00,
            O1,reopened,2025-01-01T08:00:00+08:00,
            O3,resolved,2025-01-02T09:00:00+08:00,
            O3,closed,2025-01-02T10:00:00+08:00,
            O3,reopened,2025-01-02T12:00:00+08:00,反弹
            O3,dispatched,2025-01-02T13:00:00+08:00,
            O9,dispatched,2025-01-02T13:00:00+08:00,
            O2,fixed,2025-01-02T13:00:00+08:00,
            """
        let report = try importer.importLayer(.events, bytes: Array(events.utf8))
        return (store, dir, report)
    }

    /// Events are stored when the transition is allowed; the others are rejected with their line
    /// and why; each order ends in its last status.
    @Test func eventsOfAHandBuiltHistory() throws {
        let (store, dir, report) = try Self.handBuiltHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(report.stored == 7)
        #expect(report.rejectedEvents.map(\.row) == [3, 6, 11, 12])
        #expect(report.rejectedEvents[0].reason == "cannot go from received to closed (allowed: dispatched, resolved)")
        #expect(report.rejectedEvents[1].reason.contains("earlier than the order's last change"))
        #expect(report.rejectedEvents[2].reason == "no stored order has this id")
        #expect(report.rejectedEvents[3].reason.hasPrefix("unknown status \"fixed\""))
        let status = try store.database.prepare("SELECT id, status FROM orders ORDER BY id").rows().map { $0.map { $0.string ?? "" } }
        #expect(status == [["O1", "closed"], ["O2", "received"], ["O3", "dispatched"]])
    }

    /// The light of the cell at a moment of the hand-built history.
    static func light(at time: String, on store: WanggeStore) throws -> Lights.Row {
        let rows = try Fixture.queries.run("open_orders_at", parameters: ["as_of": time], on: store).rows
        let open = rows.map { Lights.OpenOrder(areas: [$0[1].string ?? ""], overdue: $0[6].int == 1) }
        return Lights.board(areas: [(Fixture.cellCode(3), "")], open: open)[0]
    }

    /// The lights the hand-built history gives at several moments.
    @Test func lightsOfAHandBuiltHistory() throws {
        let (store, dir, _) = try Self.handBuiltHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func light(at time: String) throws -> Lights.Row { try Self.light(at: time, on: store) }
        // Before any order: green. O2 open, O1 and O3 closed: yellow 1.
        #expect(try light(at: "2024-12-31T00:00:00+08:00").colour == .green)
        #expect(
            try light(at: "2025-01-02T11:00:00+08:00")
                == Lights.Row(area: Fixture.cellCode(3), name: "", colour: .yellow, overdue: 0, withinDeadline: 1))
        // O3 reopened; both within the street unit's 72 h (deadline 01-04 09:00).
        #expect(
            try light(at: "2025-01-03T12:00:00+08:00")
                == Lights.Row(area: Fixture.cellCode(3), name: "", colour: .yellow, overdue: 0, withinDeadline: 2))
        // Past 72 h: red with 2 overdue; O1 (closed) never counts again.
        #expect(
            try light(at: "2025-01-04T10:00:00+08:00") == Lights.Row(area: Fixture.cellCode(3), name: "", colour: .red, overdue: 2, withinDeadline: 0)
        )
    }

    /// Open orders at a moment carry their status and whether they are past their deadline.
    @Test func openOrdersOfAHandBuiltHistory() throws {
        let (store, dir, _) = try Self.handBuiltHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // O1's squad deadline is 48 h: had it stayed open at 01-03 10:00 it would be overdue;
        // at 01-02 08:00 it was only dispatched, within deadline.
        let early = try Fixture.queries.run("open_orders_at", parameters: ["as_of": "2025-01-02T08:00:00+08:00"], on: store).rows
        #expect(
            early.map { [$0[0].string!, $0[4].string!, String($0[6].int!)] } == [
                ["O1", "dispatched", "0"], ["O2", "received", "0"], ["O3", "received", "0"],
            ])
    }

    /// The units' KPIs over the hand-built history.
    @Test func kpisOfAHandBuiltHistory() throws {
        let (store, dir, _) = try Self.handBuiltHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // KPIs over a period holding every deadline. Worked by hand:
        // U-SQUAD: O1 closed 25 h after reception, before its 48 h deadline → all rates 1, rework 0.
        // U-STREET: O2 never closed (late); O3 first closed on time (25 h) but reopened and open at
        // the end → due 2, closed 0, on time 1, late 1, rework undefined (no closed order).
        let due = try Fixture.queries.run(
            "order_handling", parameters: ["from": "2025-01-01T00:00:00+08:00", "to": "2025-01-10T00:00:00+08:00"], on: store
        ).rows
        let kpi = UnitKPI.table(
            due.map {
                UnitKPI.DueOrder(
                    group: $0[1].string!, name: $0[2].string!, received: $0[4].double!, deadline: $0[5].double!,
                    firstClosed: $0[6].double, closedAtEnd: $0[7].int == 1, reopened: $0[8].int!)
            })
        #expect(kpi.map(\.group) == ["U-SQUAD", "U-STREET"])
        #expect(
            kpi[0]
                == UnitKPI.Row(
                    group: "U-SQUAD", name: "大场城管中队", due: 1, closed: 1, closedOnTime: 1, reopened: 0, late: 0,
                    closureRate: 1, onTimeRate: 1, reworkRate: 0, lateRate: 0, medianHoursToClose: 25, p90HoursToClose: 25))
        #expect(
            kpi[1]
                == UnitKPI.Row(
                    group: "U-STREET", name: "大场镇网格中心", due: 2, closed: 0, closedOnTime: 1, reopened: 0, late: 1,
                    closureRate: 0, onTimeRate: 0.5, reworkRate: nil, lateRate: 0.5, medianHoursToClose: 25, p90HoursToClose: 25))
    }

    /// The hand-built history: a period before every deadline has nothing due.
    @Test func nothingDueBeforeEveryDeadline() throws {
        let (store, dir, _) = try Self.handBuiltHistory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(
            try Fixture.queries.run(
                "order_handling", parameters: ["from": "2025-01-01T00:00:00+08:00", "to": "2025-01-02T00:00:00+08:00"], on: store
            ).rows.isEmpty)
    }

    /// Nearest-rank percentiles and reopened-after-closure counting on a larger hand-made set.
    @Test func kpiPercentilesAndRework() {
        let h = 3600.0
        let orders = (1 ... 10).map { k in
            UnitKPI.DueOrder(
                group: "U", name: "u", received: 0, deadline: 72 * h, firstClosed: Double(k * 10) * h,
                closedAtEnd: k != 10, reopened: k <= 2 ? 1 : 0)
        }
        let row = UnitKPI.table(orders)[0]
        // Hours 10, 20, …, 100: median = 5th = 50, p90 = 9th = 90. On time: 10…70 h → 7.
        #expect(row.medianHoursToClose == 50 && row.p90HoursToClose == 90)
        #expect(row.closedOnTime == 7 && row.late == 3 && row.closed == 9 && row.reopened == 2)
        #expect(row.reworkRate == 2.0 / 9 && row.onTimeRate == 0.7 && row.closureRate == 0.9)
    }

    /// An export's `status,resolved_at,closed_at` columns become status changes, checked like
    /// events; importing the same file again adds nothing.
    @Test func handlingColumnsOfAnOrdersFile() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        let x = Fixture.x0 + 0.25 * Fixture.dx, y = Fixture.y0 + 0.25 * Fixture.dy
        let t = "2025-01-01T09:00:00+08:00"
        let file = """
            id,lon,lat,category,received_at,status,resolved_at,closed_at
            H1,\(x),\(y),道路破损,\(t),closed,2025-01-02T09:00:00+08:00,2025-01-02T10:00:00+08:00
            H2,\(x),\(y),道路破损,\(t),dispatched,,
            H3,\(x),\(y),道路破损,\(t),resolved,2025-01-03T09:00:00+08:00,
            H4,\(x),\(y),道路破损,\(t),closed,,2025-01-02T10:00:00+08:00
            H5,\(x),\(y),道路破损,\(t),flying,,
            H6,\(x),\(y),道路破损,\(t),,,
            """
        let first = try importer.importLayer(.orders, bytes: Array(file.utf8))
        #expect(first.appliedEvents == 4)  // H1 resolved + closed, H2 dispatched, H3 resolved
        #expect(first.rejectedEvents.map(\.row) == [5, 6])
        #expect(first.rejectedEvents[0].reason == "cannot go from received to closed (allowed: dispatched, resolved)")
        #expect(first.rejectedEvents[1].reason.hasPrefix("unknown status \"flying\""))
        let status = try store.database.prepare("SELECT id, status FROM orders ORDER BY id").rows().map { $0.map { $0.string ?? "" } }
        #expect(
            status == [["H1", "closed"], ["H2", "dispatched"], ["H3", "resolved"], ["H4", "received"], ["H5", "received"], ["H6", "received"]])
        #expect(try store.database.scalar("SELECT at FROM order_events WHERE order_id = 'H2'").string == t)
        // Again: nothing new, no duplicate history.
        let second = try importer.importLayer(.orders, bytes: Array(file.utf8))
        #expect(second.appliedEvents == 0 && second.updated == 6)
        #expect(try store.database.scalar("SELECT count(*) FROM order_events").int == 4)
        // An unreadable handling time fails the file, naming the line; nothing changes.
        let broken = file.replacingOccurrences(of: "2025-01-03T09:00:00+08:00", with: "yesterday")
        do {
            _ = try importer.importLayer(.orders, bytes: Array(broken.utf8))
            Issue.record("an unreadable resolved_at must fail the import")
        } catch { #expect("\(error)".contains("line 4: order H3: resolved_at \"yesterday\" is not a time; expected ISO 8601")) }
        #expect(try store.database.scalar("SELECT count(*) FROM order_events").int == 4)
    }

    @Test func boardPutsTheReddestFirst() {
        let board = Lights.board(
            areas: [("A", "a"), ("B", "b"), ("C", "c"), ("D", "d")],
            open: [
                .init(areas: ["B"], overdue: false), .init(areas: ["C"], overdue: true), .init(areas: ["D"], overdue: true),
                .init(areas: ["D"], overdue: false), .init(areas: ["D", "D"], overdue: true),
            ])
        #expect(board.map(\.area) == ["D", "C", "B", "A"])
        #expect(board.map(\.colour) == [.red, .red, .yellow, .green])
        #expect(board[0].overdue == 2 && board[0].withinDeadline == 1)
    }
}
