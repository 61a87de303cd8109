import Foundation
import Testing

/// `wangge import orders -` streams standard input (copied block by block to a temporary file,
/// then read twice like a named file): the same result as importing the file by name, the
/// last row of a repeated id kept.
@Suite(.serialized) struct StreamedImportTests {
    typealias CLI = CLITests

    @Test func standardInputImportsLikeTheFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let orders = """
            id,lon,lat,category,received_at
            S1,121.49,31.235,乱设摊,2025-03-01T10:00:00+08:00
            S2,121.4901,31.235,乱设摊,2025-03-10T10:00:00+08:00
            S1,121.4901,31.2351,乱设摊,2025-03-12T10:00:00+08:00
            S3,abc,31.2351,乱设摊,2025-03-12T11:00:00+08:00

            """
        let file = dir.appendingPathComponent("orders.csv")
        try orders.write(to: file, atomically: true, encoding: .utf8)
        var summaries: [String] = []
        var exports: [String] = []
        for input in ["-", file.path] {
            let db = dir.appendingPathComponent("d\(summaries.count).sqlite").path
            try CLI.load("huangpu", into: db)
            let run = try CLI.wangge(["import", "orders", input, "--db", db], stdin: input == "-" ? orders : nil)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("1 row(s) repeat an order id"), "\(run.stderr)")
            summaries.append(run.stdout)
            exports.append(try Self.storedOrders(db))
        }
        #expect(summaries[0].hasPrefix("imported 3 orders (3 new, 0 updated)"), "\(summaries[0])")
        #expect(summaries[0] == summaries[1])
        #expect(exports[0] == exports[1])
        let rows = exports[0].split(separator: "\n")
        #expect(
            rows.count == 3 && rows[0].hasPrefix("S1|121.4901|31.2351|") && rows[1].hasPrefix("S2|") && rows[2] == "S3|abc|31.2351|invalid",
            "\(exports[0])")
    }

    /// The stored orders' id, lon, lat and status, read with the sqlite3 shell.
    static func storedOrders(_ db: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [db, "SELECT id, lon, lat, assign_status FROM orders ORDER BY id"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
