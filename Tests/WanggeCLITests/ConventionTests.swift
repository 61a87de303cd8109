import Foundation
import Testing

/// The CLI's conventions: --version, --quiet, JSON summaries, help for 80 columns.
@Suite(.serialized) struct ConventionTests {
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func versionIsTheBuildsVersion() throws {
        let run = try CLITests.wangge(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(run.stdout)")
    }

    @Test func quietKeepsErrorsAndSummariesAreJSON() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let orders = CLITests.root.appendingPathComponent("GeoData/baoshan/orders.csv").path
        // Orders without a unit are noted on standard error; --quiet leaves the notes out.
        let loud = try CLITests.wangge(["import", "orders", orders, "--db", db, "--format", "json"])
        #expect(loud.status == 0 && loud.stderr.contains("manual dispatch"), "\(loud.stderr)")
        let summary = Self.object(loud.stdout)
        #expect(summary["layer"] as? String == "orders")
        #expect(summary["stored"] as? Int == 5000)
        #expect(summary["inserted"] as? Int == 5000)
        #expect((summary["status_counts"] as? [String: Int])?["inside"] ?? 0 > 4000)
        #expect(summary["seconds"] is Double || summary["seconds"] is Int)
        // Every manual-dispatch order is counted under its reason.
        let manual = try #require(summary["manual_dispatch"] as? Int)
        #expect(manual > 0)
        #expect((summary["manual_dispatch_reasons"] as? [String: Int])?.values.reduce(0, +) == manual)
        let quiet = try CLITests.wangge(["--quiet", "import", "orders", orders, "--db", db, "--format", "json"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(Self.object(quiet.stdout)["updated"] as? Int == 5000)
        // Errors still print under --quiet, wherever it stands.
        let failed = try CLITests.wangge(["import", "cells", dir.appendingPathComponent("missing.geojson").path, "--db", db, "--quiet"])
        #expect(failed.status != 0 && failed.stderr.lowercased().contains("error"), "\(failed.stderr)")

        let info = Self.object(try CLITests.wangge(["info", "--db", db, "--format", "json"]).stdout)
        #expect((info["layers"] as? [String: Int])?["orders"] == 5000)
        #expect(info["schema_version"] is Int)

        let assigned = try CLITests.wangge([
            "assign", "--db", db, "--input", orders, "--output", dir.appendingPathComponent("a.csv").path, "--summary", "json",
        ])
        #expect(assigned.status == 0)
        let counts = Self.object(assigned.stderr)
        #expect(counts["rows"] as? Int == 5000, "\(assigned.stderr)")
        let status = counts["status_counts"] as? [String: Int] ?? [:]
        #expect(status.values.reduce(0, +) == 5000)
        let invalid = (counts["invalid_rows"] as? [Any])?.count ?? -1
        #expect(invalid > 0 && invalid <= 100 && status["invalid"] ?? 0 > 0)
    }

    /// Help paragraphs are re-wrapped by ArgumentParser: no line of the help passes 80
    /// columns except an unbreakable word, and no source text shows.
    @Test(arguments: ["assign", "hotspots", "import", "serve", "kpi", "trend", "sheet", "dashboard", "geocode"])
    func helpFitsEightyColumns(command: String) throws {
        let help = try CLITests.wangge([command, "--help"]).stdout
        let overview = help.components(separatedBy: "\nUSAGE:").first ?? help
        for line in overview.split(separator: "\n") {
            let columns = line.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) }
            #expect(
                columns <= 80 || !line.trimmingCharacters(in: .whitespaces).contains(" ") || line.unicodeScalars.contains { $0.value >= 0x2E80 },
                "\(command): \(line)")
        }
        #expect(!help.contains("joined(separator") && !help.contains("\\("))
    }
}
