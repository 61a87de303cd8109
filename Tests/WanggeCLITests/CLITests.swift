import Foundation
import Testing
import WanggeTestSupport

/// End-to-end tests: the real `wangge` executable on temporary databases, one suite per
/// capability. AssignCLITests, ImportCLITests, ManualDispatchCLITests, HotspotsCLITests,
/// LightsCLITests, RecurrenceCLITests and QueryCLITests are nested here (in extensions, one
/// file each) so that they run one at a time, as the single suite they were split from did, and
/// conform to ``CLIHarness`` (their tests say `Self.wangge`); ExcelFileTests, AddressCLITests
/// and ServeTests call the harness as `CLITests`.
@Suite(.serialized) struct CLITests: CLIHarness {}

/// What a run of `wangge` gave: its exit status and what it wrote.
struct CLIRun { let status: Int32; let stdout: String; let stderr: String }

/// Running the `wangge` executable and reading its output; every CLI suite conforms, so its
/// tests say `Self.wangge(…)`.
protocol CLIHarness {}

extension CLIHarness {
    typealias Run = CLIRun

    /// The repository's root (GeoData/, Queries/).
    static var root: URL { SampleData.root }

    /// The `wangge` binary built beside this test bundle.
    static var executable: URL {
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += [root.appendingPathComponent(".build/debug")]
        for dir in candidates {
            let url = dir.appendingPathComponent("wangge")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/wangge")
    }

    @discardableResult
    static func wangge(_ arguments: [String], stdin: String? = nil, stdinBytes: [UInt8]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        if let stdinBytes { input.fileHandleForWriting.write(Data(stdinBytes)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        try SampleStore.fresh("wangge-cli").directory
    }

    /// A sample district's layers (units, rules, cells, zones, points) in a new database: a
    /// copy of the district imported once per test process (WanggeTestSupport).
    static func load(_ district: String, into db: String) throws {
        try SampleDistrict.copy(district, to: db)
    }

    /// A copy of a database file (and its write-ahead log, if any).
    static func copyDatabase(_ db: String, to target: String) throws {
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: db + suffix) {
            try FileManager.default.copyItem(atPath: db + suffix, toPath: target + suffix)
        }
    }

    static func readCSV(_ text: String) -> [[String]] {
        // Ground-truth and output files never quote (no commas in their fields).
        text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

/// The 黄浦 sample's truth orders (GeoData/huangpu/truth_orders.csv) imported with
/// `wangge import orders` into the district's layers, once per test process, and what the
/// import and `wangge assign` said of them: the fixture of the hot-spot, lights, recurrence,
/// query and manual-dispatch tests. Each test works on its own copy (``copy()``).
struct TruthOrders: CLIHarness {
    /// The database after the import; no test opens it.
    let template: String
    /// `wangge import orders truth_orders.csv`.
    let imported: CLIRun
    /// `wangge assign` of the same file, as rows (header first).
    let assigned: [[String]]
    /// Each truth order's category, by id.
    let categoryOf: [String: String]
    /// 乱设摊 orders per street code, counted from `assigned`.
    let expected: [String: Int]
    /// GeoData/huangpu/truth_expected.csv without its header, and each truth order's case.
    let truth: ArraySlice<[String]>
    let cases: [String: String]

    static let shared = Result { try TruthOrders() }

    /// The shared fixture; a failure to make it fails every test that needs it.
    static func get() throws -> TruthOrders { try shared.get() }

    private init() throws {
        let dir = try Self.temporaryDirectory()
        let db = dir.appendingPathComponent("truth.sqlite").path
        try Self.load("huangpu", into: db)
        let g = Self.root.appendingPathComponent("GeoData/huangpu")
        let orders = g.appendingPathComponent("truth_orders.csv").path
        imported = try Self.wangge(["import", "orders", orders, "--db", db])
        template = db
        let assign = try Self.wangge(["assign", "--db", db, "--input", orders, "--output", "-"])
        assigned = Self.readCSV(assign.stdout)
        let input = Self.readCSV(try String(contentsOfFile: orders, encoding: .utf8))
        categoryOf = Dictionary(input.dropFirst().filter { $0.count == 7 }.map { ($0[0], $0[4]) }, uniquingKeysWith: { a, _ in a })
        var expected: [String: Int] = [:]
        for row in assigned.dropFirst() where !row[2].isEmpty && categoryOf[row[0]] == "乱设摊" { expected[row[4], default: 0] += 1 }
        self.expected = expected
        truth = Self.readCSV(try String(contentsOf: g.appendingPathComponent("truth_expected.csv"), encoding: .utf8)).dropFirst()
        cases = Dictionary(uniqueKeysWithValues: input.dropFirst().map { ($0[0], $0.last!) })
    }

    /// A new temporary directory holding a copy of the database (`d.sqlite`).
    func copy() throws -> (dir: URL, db: String) {
        let dir = try Self.temporaryDirectory()
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.copyDatabase(template, to: db)
        return (dir, db)
    }
}
