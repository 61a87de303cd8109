import Foundation
import Testing

extension CLITests {
    /// `wangge lights` on the 黄浦 truth orders (``TruthOrders``).
    @Suite(.serialized) struct LightsCLITests: CLIHarness {
        /// Lights: every truth order was received 2025-06-01 10:00 and none has events, so 4
        /// days later each is open past the 72 h default: every street with orders is red.
        @Test func everyStreetIsRedPastTheDeadline() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let assigned = t.assigned
            let lights = try Self.wangge(["lights", "--db", db, "--as-of", "2025-06-05T10:00:00+08:00", "--level", "street"])
            // A CSV for people: it starts with the UTF-8 byte order mark, for Excel.
            #expect(lights.stdout.hasPrefix("\u{FEFF}street,name,"))
            let lightRows = Self.readCSV(String(lights.stdout.drop { $0 == "\u{FEFF}" }))
            #expect(lightRows.first == ["street", "name", "light", "overdue", "open_within_deadline"])
            #expect(lightRows.dropFirst().map { $0[2] } == ["red", "red", "red"])
            #expect(lightRows.dropFirst().reduce(0) { $0 + Int($1[3])! } == assigned.dropFirst().filter { !$0[2].isEmpty }.count)
        }

        /// Before the orders were received, every street is green.
        @Test func everyStreetIsGreenBeforeTheOrders() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let before = Self.readCSV(try Self.wangge(["lights", "--db", db, "--as-of", "2025-06-01T09:59:59+08:00", "--level", "street"]).stdout)
            #expect(before.dropFirst().map { $0[2] } == ["green", "green", "green"])
        }
    }
}
