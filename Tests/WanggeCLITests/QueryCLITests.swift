import Foundation
import Testing

extension CLITests {
    /// `wangge query`: the named queries of Queries/ on the 黄浦 truth orders (``TruthOrders``).
    @Suite(.serialized) struct QueryCLITests: CLIHarness {
        /// The same counts as hotspots through the named query the command runs.
        @Test func namedQueryGivesTheSameCounts() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let expected = t.expected
            let named = Self.readCSV(try Self.wangge(["query", "orders_by_cell", "--db", db, "--param", "categories=乱设摊"]).stdout)
            #expect(named.first == ["cell", "count"])
            #expect(named.dropFirst().reduce(0) { $0 + Int($1[1])! } == expected.values.reduce(0, +))
        }

        /// `query --list` names each query with its parameters and defaults.
        @Test func listNamesQueriesAndParameters() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let listing = try Self.wangge(["query", "--list", "--db", db])
            #expect(listing.stdout.contains("orders_by_cell") && listing.stdout.contains("--param from=<time> (default: null)"))
        }

        /// A queries directory that cannot be read is named.
        @Test func unreadableQueriesDirectoryIsNamed() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let broken = try Self.wangge(["query", "orders_by_cell", "--db", db, "--queries", "/nonexistent"])
            #expect(broken.status != 0 && broken.stderr.contains("cannot read the queries directory /nonexistent"))
        }
    }
}
