import Foundation
import Testing

/// `wangge serve`, `wangge token` and `wangge export` as processes.
@Suite(.serialized) struct ServeTests {
    /// GET with curl (installed by `make deps`); returns the status and the body.
    static func get(_ url: String, token: String? = nil) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments =
            ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10"] + (token.map { ["-H", "Authorization: Bearer \($0)"] } ?? []) + [url]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let split = text.range(of: "\n", options: .backwards)!
        return (Int(text[split.upperBound...]) ?? 0, String(text[..<split.lowerBound]))
    }

    @Test func serveAnswersAndStopsCleanlyOnSIGTERM() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let created = try CLITests.wangge(["token", "create", "--db", db, "--role", "reader", "--name", "t"])
        #expect(created.status == 0)
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("wg_"))
        let listed = try CLITests.wangge(["token", "list", "--db", db])
        #expect(listed.stdout.hasPrefix("name,role,created_at,revoked_at\nt,reader,"))
        #expect(!listed.stdout.contains(token))

        let port = 20_000 + Int.random(in: 0 ..< 20_000)
        let server = Process()
        server.executableURL = CLITests.executable
        server.arguments = ["serve", "--db", db, "--port", String(port), "--log-level", "warning"]
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        var up = false
        for _ in 0 ..< 100 where !up {
            if (try? Self.get("http://127.0.0.1:\(port)/health"))?.status == 200 { up = true } else { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(up)
        #expect(try Self.get("http://127.0.0.1:\(port)/v1/queries").status == 401)
        let assigned = try Self.get("http://127.0.0.1:\(port)/v1/assign?lon=121.404567&lat=31.305585", token: token)
        #expect(assigned.status == 200)
        #expect(assigned.body.contains(#""street":"310113102""#))
        // The CLI gives the same fields for the same location.
        let cli = try CLITests.wangge(["assign", "--db", db, "--lon", "121.404567", "--lat", "31.305585"])
        #expect(cli.stdout.trimmingCharacters(in: .newlines) == assigned.body.trimmingCharacters(in: .newlines))

        // A layer imported by another process: the server notices within a second or two.
        let imported = try CLITests.wangge([
            "import", "points", CLITests.root.appendingPathComponent("GeoData/baoshan/points.geojson").path, "--db", db,
        ])
        #expect(imported.status == 0)
        var generation = ""
        for _ in 0 ..< 50 where !generation.contains(#""index_generation":2"#) {
            Thread.sleep(forTimeInterval: 0.1)
            generation = (try? Self.get("http://127.0.0.1:\(port)/health"))?.body ?? ""
        }
        #expect(generation.contains(#""index_generation":2"#))

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
        // Checkpointed and closed: the WAL is empty.
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
    }

    @Test func exportWritesRFC7946() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let all = try CLITests.wangge(["export", "points", "--db", db])
        #expect(all.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any]
        #expect(json?["type"] as? String == "FeatureCollection")
        let count = (json?["features"] as? [Any])?.count ?? 0
        #expect(count > 0)
        #expect(all.stderr.contains("exported \(count) points"))
        let wrong = try CLITests.wangge(["export", "points", "--db", db, "--street", "310113102"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--street does not filter points"))
        let box = try CLITests.wangge(["export", "cells", "--db", db, "--bbox", "121.5,31.2,121.4,31.3"])
        #expect(box.status != 0)
        #expect(box.stderr.contains("minLon must not exceed maxLon"))
    }

    @Test func tokenNamesAreOneCSVField() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        for bad in ["a,b", "a\nb", "a\"b", "tab\there", ""] {
            let created = try CLITests.wangge(["token", "create", "--db", db, "--role", "reader", "--name", bad])
            #expect(created.status != 0, "\(bad)")
            #expect(created.stdout.isEmpty)
        }
        #expect(try CLITests.wangge(["token", "create", "--db", db, "--role", "reader", "--name", "巡查 A-1"]).status == 0)
        let listed = try CLITests.wangge(["token", "list", "--db", db])
        #expect(listed.stdout.split(separator: "\n").count == 2)
    }

    @Test func sigtermUnderLoadStopsTheWorkAndExitsWithinTenSeconds() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let port = 20_000 + Int.random(in: 0 ..< 20_000)
        let server = Process()
        server.executableURL = CLITests.executable
        server.arguments = ["serve", "--db", db, "--port", String(port), "--log-level", "warning", "--public-read", "--request-timeout", "600"]
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        var up = false
        for _ in 0 ..< 100 where !up {
            if (try? Self.get("http://127.0.0.1:\(port)/health"))?.status == 200 { up = true } else { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(up)
        // Heavy requests that would run for minutes, and a connection that never finishes its head.
        var clients: [Process] = []
        for _ in 0 ..< 3 {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = [
                "-s", "-o", "/dev/null", "--max-time", "60",
                "http://127.0.0.1:\(port)/v1/recurrence?knox=true&permutations=9999&distance-bands=4&distance-band=100",
            ]
            try curl.run()
            clients.append(curl)
        }
        defer { for c in clients where c.isRunning { c.terminate() } }
        Thread.sleep(forTimeInterval: 1.5)
        let started = Date()
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 10, "exit took \(seconds) s")
        #expect(server.terminationStatus == 0)
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0)
    }
}
