import Foundation
import Testing

/// The option groups several commands share: one spelling, one set of bounds, one message.
@Suite struct OptionGroupTests {
    /// `--snap-metres` is the option; `--snap-meters` still works (hidden from the help).
    @Test func snapMetresAndItsOldSpelling() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        // A point about 30 km west of the district: outside within 50 m, snapped within 100 km.
        let point = ["assign", "--db", db, "--lon", "121.1", "--lat", "31.35", "--category", "道路破损"]
        let plain = try CLITests.wangge(point)
        let metres = try CLITests.wangge(point + ["--snap-metres", "100000"])
        let meters = try CLITests.wangge(point + ["--snap-meters", "100000"])
        #expect(plain.status == 0 && metres.status == 0 && meters.status == 0, "\(plain.stderr)\(metres.stderr)\(meters.stderr)")
        #expect(plain.stdout.contains("\"status\":\"outside\""), "\(plain.stdout)")
        #expect(metres.stdout.contains("\"status\":\"snapped\""), "\(metres.stdout)")
        #expect(meters.stdout == metres.stdout)
        let negative = try CLITests.wangge(point + ["--snap-meters=-1"])
        #expect(negative.status != 0 && negative.stderr.contains("--snap-metres must be a non-negative number of metres"))
        let help = try CLITests.wangge(["assign", "--help"]).stdout
        #expect(help.contains("--snap-metres") && !help.contains("--snap-meters"))
        let importHelp = try CLITests.wangge(["import", "--help"]).stdout
        #expect(importHelp.contains("--snap-metres") && !importHelp.contains("--snap-meters"))
    }

    /// hotspots and recurrence refuse the same values of --band, --cell-size, --bandwidth and
    /// --permutations with the same messages, and bound --permutations at the same 9,999.
    @Test func sharedBoundsAndMessages() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let refusals: [([String], String)] = [
            (["--band", "0"], "--band must be a positive number of metres"),
            (["--cell-size", "0.5"], "--cell-size must be at least 1 metre"),
            (["--bandwidth=-3"], "--bandwidth must be a positive number of metres"),
            (["--permutations=-1"], "--permutations must not be negative"),
        ]
        for command in ["hotspots", "recurrence"] {
            for (arguments, message) in refusals {
                let run = try CLITests.wangge([command, "--db", db] + arguments)
                #expect(run.status == 64, "\(command) \(arguments): \(run.status)")
                #expect(run.stderr.contains(message), "\(command) \(arguments): \(run.stderr)")
            }
        }
        let gi = try CLITests.wangge(["hotspots", "--db", db, "--method", "gi", "--permutations", "10000"])
        let knox = try CLITests.wangge(["recurrence", "--db", db, "--knox", "--permutations", "10000"])
        for run in [gi, knox] {
            #expect(run.status == 65 && run.stderr.contains("permutations 10000: at most 9999"), "\(run.stderr)")
        }
    }
}
