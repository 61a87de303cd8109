import Foundation
import Testing

/// The CLI ends each kind of error with its sysexits code, and prints the usage only for
/// usage errors (issue 10, item 2): usage 64, data error 65, no input 66, unavailable 69.
@Suite(.serialized) struct ExitCodeTests {
    typealias CLI = CLITests

    /// A database with the huangpu units, rules, zones and points but no cells, and its directory.
    static func districtWithoutCells() throws -> (db: String, dir: URL) {
        let dir = try CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("d.sqlite").path
        let g = CLI.root.appendingPathComponent("GeoData/huangpu").path
        for (layer, file) in [
            ("units", "units.csv"), ("rules", "rules.csv"), ("zones", "zones.geojson"), ("points", "points.geojson"),
            ("orders", "orders.csv"),
        ] {
            let run = try CLI.wangge(["import", layer, "\(g)/\(file)", "--db", db])
            #expect(run.status == 0, "import \(layer): \(run.stderr)")
        }
        return (db, dir)
    }

    @Test func usageErrorsAre64WithTheUsage() throws {
        let unknown = try CLI.wangge(["hotspots", "--db", "x.sqlite", "--colour", "red"])
        #expect(unknown.status == 64 && unknown.stderr.contains("Usage:"), "\(unknown.stderr)")
        let invalid = try CLI.wangge(["hotspots", "--db", "x.sqlite", "--band=-5"])
        #expect(invalid.status == 64 && invalid.stderr.contains("Usage:") && invalid.stderr.contains("--band"), "\(invalid.stderr)")
    }

    @Test func missingInputsAre66WithoutTheUsage() throws {
        let (db, dir) = try Self.districtWithoutCells()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try CLI.wangge(["import", "units", dir.appendingPathComponent("absent.csv").path, "--db", db])
        #expect(file.status == 66 && file.stderr.contains("cannot read") && !file.stderr.contains("Usage:"), "\(file.stderr)")
        let orders = try CLI.wangge(["import", "orders", dir.appendingPathComponent("absent.csv").path, "--db", db])
        #expect(orders.status == 66 && !orders.stderr.contains("Usage:"), "\(orders.stderr)")
        let assign = try CLI.wangge(["assign", "--db", db, "--input", dir.appendingPathComponent("absent.csv").path])
        #expect(assign.status == 66 && !assign.stderr.contains("Usage:"), "\(assign.stderr)")
        let database = try CLI.wangge(["hotspots", "--db", dir.appendingPathComponent("absent.sqlite").path])
        #expect(database.status == 66 && database.stderr.contains("no database at"), "\(database.stderr)")
        let info = try CLI.wangge(["info", "--db", dir.appendingPathComponent("absent.sqlite").path])
        #expect(info.status == 66, "\(info.stderr)")
        let order = try CLI.wangge(["orders", "--db", db, "--id", "NOPE"])
        #expect(order.status == 66 && order.stderr.contains("no stored order has id"), "\(order.stderr)")
        let query = try CLI.wangge(["query", "no_such_query", "--db", db])
        #expect(query.status == 66 && query.stderr.contains("no query named"), "\(query.stderr)")
    }

    @Test func badDataIs65() throws {
        let (db, dir) = try Self.districtWithoutCells()
        defer { try? FileManager.default.removeItem(at: dir) }
        func file(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        // An unclosed quote, a header without its columns, a layer failing its checks.
        let broken = try CLI.wangge([
            "import", "units", try file("broken.csv", "id,name,kind,area,sla_hours\nU-1,\"Open,street,310101,72\n"), "--db", db,
        ])
        #expect(broken.status == 65 && broken.stderr.contains("line 2") && !broken.stderr.contains("Usage:"), "\(broken.stderr)")
        let header = try CLI.wangge(["import", "events", try file("events.csv", "id,when\nA,2025-01-01\n"), "--db", db])
        #expect(header.status == 65 && header.stderr.contains("line 1"), "\(header.stderr)")
        let empty = try CLI.wangge(["import", "zones", try file("empty.geojson", #"{"type":"FeatureCollection","features":[]}"#), "--db", db])
        #expect(empty.status == 65 && empty.stderr.contains("the zones layer was not imported"), "\(empty.stderr)")
        let geojson = try CLI.wangge(["import", "zones", try file("bad.geojson", "{\"type\":"), "--db", db])
        #expect(geojson.status == 65, "\(geojson.stderr)")
        let bytes = try CLI.wangge(["import", "units", "-", "--db", db, "--encoding", "utf-8"], stdinBytes: Array("id,name\n".utf8) + [0xFF, 0x0A])
        #expect(bytes.status == 65 && bytes.stderr.contains("byte offset"), "\(bytes.stderr)")
        // A token name taken: a conflict, a data error to the shell.
        #expect(try CLI.wangge(["token", "create", "--db", db, "--role", "reader", "--name", "a"]).status == 0)
        let taken = try CLI.wangge(["token", "create", "--db", db, "--role", "reader", "--name", "a"])
        #expect(taken.status == 65 && taken.stderr.contains("exists already"), "\(taken.stderr)")
    }

    /// "No cells" is the same kind for every method: unanswerable, 65.
    @Test func noCellsIsUnanswerable() throws {
        let (db, dir) = try Self.districtWithoutCells()
        defer { try? FileManager.default.removeItem(at: dir) }
        for method in ["gi", "kde"] {
            let run = try CLI.wangge(["hotspots", "--db", db, "--method", method])
            #expect(run.status == 65 && run.stderr.contains("the database has no cells"), "\(method): \(run.stderr)")
        }
    }

    @Test func anOutputThatCannotBeWrittenIs69() throws {
        let (db, dir) = try Self.districtWithoutCells()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.wangge(["query", "--list", "--db", db, "--output", dir.appendingPathComponent("no/such/dir/out.csv").path])
        #expect(run.status == 69 && run.stderr.contains("cannot write"), "\(run.stderr)")
    }
}
