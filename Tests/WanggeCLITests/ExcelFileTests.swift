import Foundation
import Glibc
import Testing
import WanggeTestSupport

/// Files as a Chinese grid centre gets them: the sample orders saved by Excel as GBK (LF and
/// CRLF), as UTF-8 with a BOM, and with one stray byte; times as spreadsheets write them.
@Suite(.serialized) struct ExcelFileTests {
    typealias CLI = CLITests

    /// `text` encoded as GBK (see ``TestText/gbk(_:)``).
    static func gbk(_ text: String) -> [UInt8] { TestText.gbk(text) }

    /// `sqlite3 db sql` (the stored rows, byte for byte).
    static func sqlite(_ db: String, _ sql: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-readonly", db, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return data
    }

    /// A copy of a database file (and its write-ahead log, if any).
    static func copy(_ db: String, to target: String) throws { try CLI.copyDatabase(db, to: target) }

    /// The sample orders as Excel saves them, written into `dir`: GBK with LF and with CRLF, and
    /// UTF-8 with a BOM (`<name>.csv`, with whether the file is GB text), and the UTF-8 file with
    /// one stray byte inside the category of the 100th order (line 101) at `strayAt`.
    static func encodings(in dir: URL) throws -> (orders: URL, variants: [(name: String, bytes: [UInt8], gb: Bool)], stray: URL, strayAt: Int) {
        let ordersURL = CLI.root.appendingPathComponent("GeoData/baoshan/orders.csv")
        let text = try String(contentsOf: ordersURL, encoding: .utf8)
        let utf8 = Array(text.utf8)
        // The stray byte: inside the category of the 100th order (line 101).
        let line101 = utf8.indices.filter { utf8[$0] == 0x0A }[99] + 1
        let strayAt = utf8[line101...].firstIndex(where: { $0 >= 0x80 })!
        var stray = utf8
        stray.insert(0xFF, at: strayAt)
        let variants: [(name: String, bytes: [UInt8], gb: Bool)] = [
            ("gbk-lf", Self.gbk(text), true), ("gbk-crlf", Self.gbk(text.replacingOccurrences(of: "\n", with: "\r\n")), true),
            ("utf8-bom", [0xEF, 0xBB, 0xBF] + utf8, false),
        ]
        #expect(variants[0].bytes.count < utf8.count && variants[1].bytes.count == variants[0].bytes.count + 5001)
        let strayFile = dir.appendingPathComponent("stray.csv")
        try Data(stray).write(to: strayFile)
        for v in variants { try Data(v.bytes).write(to: dir.appendingPathComponent("\(v.name).csv")) }
        return (ordersURL, variants, strayFile, strayAt)
    }

    /// assign reads every encoding to the same output, noting GBK; a forced wrong encoding and
    /// a stray byte are refused with their line and offset.
    @Test func sampleOrdersInEveryEncoding() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base.sqlite").path
        try CLI.load("baoshan", into: base)
        let (ordersURL, variants, strayFile, strayAt) = try Self.encodings(in: dir)

        // assign: the same output as the UTF-8 file; GBK is noted.
        let reference = try CLI.wangge(["assign", "--db", base, "--input", ordersURL.path, "--output", "-"])
        #expect(reference.status == 0 && reference.stdout.split(separator: "\n").count == 5001)
        #expect(!reference.stderr.contains("GB18030"))
        for v in variants {
            let file = dir.appendingPathComponent("\(v.name).csv")
            try Data(v.bytes).write(to: file)
            let run = try CLI.wangge(["assign", "--db", base, "--input", file.path, "--output", "-"])
            #expect(run.status == 0, "\(v.name): \(run.stderr)")
            #expect(run.stdout == reference.stdout, "\(v.name)")
            #expect(run.stderr.contains("read as GB18030") == v.gb, "\(v.name): \(run.stderr)")
        }
        let gbkFile = dir.appendingPathComponent("gbk-lf.csv").path
        // Through standard input too, and forced.
        let piped = try CLI.wangge(["assign", "--db", base, "--input", "-", "--output", "-"], stdinBytes: variants[0].bytes)
        #expect(
            piped.stdout == reference.stdout && piped.stderr.contains("standard input: read as GB18030 (GBK); it is not UTF-8 (line 2, byte offset"))
        let forced = try CLI.wangge(["assign", "--db", base, "--input", gbkFile, "--output", "-", "--encoding", "gbk"])
        #expect(forced.stdout == reference.stdout && !forced.stderr.contains("read as GB18030"))
        let wrong = try CLI.wangge(["assign", "--db", base, "--input", gbkFile, "--output", "-", "--encoding", "utf-8"])
        #expect(wrong.status != 0 && wrong.stdout.isEmpty)
        #expect(wrong.stderr.contains(": line 2, byte offset ") && wrong.stderr.contains(": not valid UTF-8 (0x"), "\(wrong.stderr)")
        // The stray byte: refused with its line and offset, nothing written.
        let strayOut = dir.appendingPathComponent("stray-out.csv").path
        let refused = try CLI.wangge(["assign", "--db", base, "--input", strayFile.path, "--output", strayOut])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("line 101, byte offset \(strayAt): not valid UTF-8 (0xFF); the text is not GB18030 (GBK) either"),
            "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: strayOut))
    }

    /// import orders stores the same bytes from every encoding; the stray byte is refused and
    /// nothing stored.
    @Test func importStoresEveryEncodingAlike() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base.sqlite").path
        try CLI.load("baoshan", into: base)
        let (ordersURL, variants, strayFile, strayAt) = try Self.encodings(in: dir)
        // import orders: stored categories, attributes and times byte for byte those of the UTF-8 import.
        let stored = "SELECT id, category, attributes, received_at, received_epoch, cell, unit FROM orders ORDER BY id"
        let utf8DB = dir.appendingPathComponent("utf8.sqlite").path
        try Self.copy(base, to: utf8DB)
        #expect(try CLI.wangge(["import", "orders", ordersURL.path, "--db", utf8DB]).status == 0)
        let expected = try Self.sqlite(utf8DB, stored)
        #expect(expected.count > 500_000 && String(decoding: expected, as: UTF8.self).contains("|违法搭建|"))
        for v in variants {
            let db = dir.appendingPathComponent("\(v.name).sqlite").path
            try Self.copy(base, to: db)
            let run = try CLI.wangge(["import", "orders", dir.appendingPathComponent("\(v.name).csv").path, "--db", db])
            #expect(run.status == 0 && run.stdout.contains("imported 5000 orders (5000 new, 0 updated)"), "\(v.name): \(run.stderr)")
            #expect(run.stderr.contains("read as GB18030") == v.gb)
            #expect(try Self.sqlite(db, stored) == expected, "\(v.name)")
        }
        let strayDB = dir.appendingPathComponent("stray.sqlite").path
        try Self.copy(base, to: strayDB)
        let strayImport = try CLI.wangge(["import", "orders", strayFile.path, "--db", strayDB])
        #expect(strayImport.status != 0 && strayImport.stderr.contains("line 101, byte offset \(strayAt): not valid UTF-8 (0xFF)"))
        #expect(try Self.sqlite(strayDB, "SELECT count(*) FROM orders") == Data("0\n".utf8))
    }

    /// Layers too: the units file as GBK is read as GB18030 and stored as the UTF-8 one.
    @Test func gbkLayerIsStoredAsItsUTF8Original() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("base.sqlite").path
        try CLI.load("baoshan", into: base)
        let strayDB = dir.appendingPathComponent("units.sqlite").path
        try Self.copy(base, to: strayDB)
        // Layers too: the units file as GBK.
        let units = try String(contentsOf: CLI.root.appendingPathComponent("GeoData/baoshan/units.csv"), encoding: .utf8)
        let unitsFile = dir.appendingPathComponent("units-gbk.csv")
        try Data(Self.gbk(units)).write(to: unitsFile)
        let unitsBefore = try Self.sqlite(strayDB, "SELECT * FROM units ORDER BY id")
        let unitsRun = try CLI.wangge(["import", "units", unitsFile.path, "--db", strayDB])
        #expect(unitsRun.status == 0 && unitsRun.stderr.contains("read as GB18030"))
        #expect(try Self.sqlite(strayDB, "SELECT * FROM units ORDER BY id") == unitsBefore)
    }

    /// Spreadsheet times and control characters: the same verdict and words in `assign` and
    /// `import orders`.
    @Test func timesAndControlCharacters() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLI.load("huangpu", into: db)
        let good = """
            id,lon,lat,category,received_at
            G1,121.49,31.235,乱设摊,2025/7/1 9:00
            G2,121.49,31.235,乱设摊,2025年7月1日 9:00
            G3,121.49,31.235,乱设摊,2025-07-01 09:00:00
            G4,121.49,31.235,乱设摊,2025-07-01T01:00:00Z
            G5,121.49,31.235,乱设摊,2025/7/2 0:00

            """
        let imported = try CLI.wangge(["import", "orders", "-", "--db", db], stdin: good)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(
            try Self.sqlite(db, "SELECT id, received_epoch FROM orders ORDER BY id")
                == Data("G1|1751331600.0\nG2|1751331600.0\nG3|1751331600.0\nG4|1751331600.0\nG5|1751385600.0\n".utf8))
        // --from/--to in the same forms, bare dates included: [2025-07-01, 2025-07-02) holds G1–G4.
        let iso = try CLI.wangge([
            "hotspots", "--db", db, "--level", "street", "--from", "2025-07-01T00:00:00+08:00", "--to", "2025-07-02T00:00:00+08:00",
        ])
        // Columns: street,name,count,density_per_km2.
        #expect(CLI.readCSV(iso.stdout).dropFirst().reduce(0) { $0 + (Int($1[2]) ?? -1_000_000) } == 4)
        for (from, to) in [("2025年7月1日", "2025/7/2"), ("2025/7/1 0:00", "2025年7月2日 0:00"), ("2025-07-01", "2025-07-02 00:00")] {
            let run = try CLI.wangge(["hotspots", "--db", db, "--level", "street", "--from", from, "--to", to])
            #expect(run.status == 0 && run.stdout == iso.stdout, "\(from) \(to): \(run.stderr)")
        }
        #expect(
            try CLI.wangge(["hotspots", "--db", db, "--from", "yesterday"]).stderr.contains("--from \"yesterday\" is not a time; expected ISO 8601"))

        let bad = good + "B1,121.49,31.235,乱设摊,not-a-time\nB2,121.49,31.235,乱设摊,\n"
        let assigned = try CLI.wangge(["assign", "--db", db, "--input", "-", "--output", "-"], stdin: bad)
        #expect(assigned.status == 0)
        #expect(CLI.readCSV(assigned.stdout).map { $0[1] } == ["status", "inside", "inside", "inside", "inside", "inside", "invalid", "invalid"])
        let reason =
            "received_at \"not-a-time\" is not a time; expected ISO 8601 (2025-07-01T09:00:00+08:00), 2025-07-01 09:00[:00], 2025/7/1 9:00[:00] or 2025年7月1日 9:00, China Standard Time unless a zone is given"
        #expect(assigned.stderr.contains("line 7: order B1: invalid: \(reason)"), "\(assigned.stderr)")
        #expect(assigned.stderr.contains("line 8: order B2: invalid: received_at is empty; expected ISO 8601"))
        let refused = try CLI.wangge(["import", "orders", "-", "--db", db], stdin: bad)
        #expect(refused.status != 0 && refused.stderr.contains("line 7: order B1: \(reason)"), "\(refused.stderr)")

        // Control characters in an id or a category.
        let control = "id,lon,lat,category,received_at\n\"C\u{0}1\",121.49,31.235,乱设摊,2025/7/1 9:00\nC2,121.49,31.235,乱设\u{7F}摊,2025/7/1 9:00\n"
        let controlAssigned = try CLI.wangge(["assign", "--db", db, "--input", "-", "--output", "-"], stdin: control)
        #expect(CLI.readCSV(controlAssigned.stdout).map { $0[1] } == ["status", "invalid", "invalid"])
        #expect(
            controlAssigned.stderr.contains(
                #"line 3: order C2: invalid: the category "乱设\u{007F}摊" contains a control character (U+007F at character 3)"#),
            "\(controlAssigned.stderr)")
        #expect(controlAssigned.stderr.contains(#"invalid: the id "C\u{0000}1" contains a control character (U+0000 at character 2)"#))
        let controlImport = try CLI.wangge(["import", "orders", "-", "--db", db], stdin: control)
        #expect(
            controlImport.status != 0
                && controlImport.stderr.contains(#"line 2: the id "C\u{0000}1" contains a control character (U+0000 at character 2)"#),
            "\(controlImport.stderr)")
        #expect(try Self.sqlite(db, "SELECT count(*) FROM orders") == Data("5\n".utf8))
    }

    /// Raw UTF-8 typed into a URL never reaches a route (SwiftNIO's HTTP parser refuses it):
    /// `wangge serve` answers 400 problem+json saying to percent-encode, and logs it.
    @Test func rawNonASCIIInTheURL() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        #expect(try CLI.wangge(["import", "units", CLI.root.appendingPathComponent("GeoData/huangpu/units.csv").path, "--db", db]).status == 0)
        let port = 20_000 + Int.random(in: 0 ..< 20_000)
        let log = dir.appendingPathComponent("serve.log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let server = Process()
        server.executableURL = CLI.executable
        server.arguments = ["serve", "--db", db, "--port", String(port), "--public-read", "--log-level", "warning"]
        server.standardError = try FileHandle(forWritingTo: log)
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        var up = false
        for _ in 0 ..< 100 where !up {
            if (try? ServeTests.get("http://127.0.0.1:\(port)/health"))?.status == 200 { up = true } else { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(up)
        // curl sends the query's bytes as typed.
        let raw = try ServeTests.get("http://127.0.0.1:\(port)/v1/hotspots?level=street&category=乱设摊")
        #expect(raw.status == 400)
        #expect(raw.body.contains(#""type":"tag:wangge,2026:problem:bad-request""#) && raw.body.contains("percent-encode"), "\(raw.body)")
        // Percent-encoded, the path parameter reaches the route decoded.
        let encoded = try ServeTests.get("http://127.0.0.1:\(port)/v1/orders/%E5%B7%A5%E5%8D%95-1")
        #expect(encoded.status == 404 && encoded.body.contains(#"no stored order has id \"工单-1\""#), "\(encoded.body)")
        // The connection is not poisoned for others: the server still answers.
        #expect(try ServeTests.get("http://127.0.0.1:\(port)/health").status == 200)
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(try String(contentsOf: log, encoding: .utf8).contains("request refused by the HTTP parser"))
    }
}
