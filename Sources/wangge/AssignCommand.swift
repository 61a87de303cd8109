import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Route orders to their cell, responsible unit and inspection points (nothing is stored).",
        discussion: """
            Input: an orders CSV with at least id,lon,lat,category,received_at (optional crs).
            Output: one row per input row, in input order, with the header
              \(["id"] + AssignmentRow.header.dropFirst()).joined(separator: ","))
            Rows with unusable coordinates come out with status invalid; the reason goes to
            standard error with the line number. They never stop the run.
            """)

    @Option(help: "The SpatiaLite database holding the district's layers.")
    var db: String

    @Option(help: "Orders CSV, or - for standard input.")
    var input: String

    @Option(help: "Output CSV, or - for standard output.")
    var output: String

    @Option(name: .customLong("snap-meters"), help: "Orders outside every cell snap to the nearest cell within this distance (metres).")
    var snapMeters: Double = 50

    @Option(help: "CRS for rows whose crs column is empty: wgs84 (default), cgcs2000, gcj02, bd09 or EPSG:nnnn.")
    var crs: String = ""

    func validate() throws {
        guard snapMeters.isFinite, snapMeters >= 0 else { throw ValidationError("--snap-meters must be a non-negative number of metres") }
    }

    func run() throws {
        let t0 = Date()
        func phase(_ name: String) { if ProcessInfo.processInfo.environment["WANGGE_PHASES"] != nil { note("phase \(name): \(String(format: "%.2f", Date().timeIntervalSince(t0))) s") } }
        let index: DistrictIndex
        let records: [WorkOrderRecord]
        do {
            let store = try WanggeStore(path: db, readOnly: true)
            index = try DistrictIndex(district: try store.loadDistrict())
            phase("index")
            records = try WorkOrderCSV.read(try readInput(input), defaultCRS: crs, mode: .lenient, keepAttributes: false)
        } catch let error as ValidationError {
            throw error
        } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
        phase("read")
        if index.cells.isEmpty { note("warning: the database has no cells; every order will be outside") }
        let assignments = try index.assign(records, snapMetres: snapMeters) { n in note("… routed \(n) orders") }

        phase("route")
        let sink = try OutputSink(output)
        var writer = CSVWriter(capacity: 1 << 20)
        writer.write(AssignmentRow.header)
        var counts: [AssignmentStatus: Int] = [:]
        var withoutRule: [String: Int] = [:]
        for (r, a) in zip(records, assignments) {
            counts[a.status, default: 0] += 1
            if a.status == .invalid {
                note("line \(r.line): order \(r.id.isEmpty ? "(no id)" : r.id): invalid: \(a.invalidReason ?? "unusable coordinates")")
            } else if a.categoryHasNoRule {
                withoutRule[r.category, default: 0] += 1
            }
            writer.append(field: r.id)
            for f in AssignmentRow(a, in: index).fields {
                writer.endField()
                writer.append(field: f)
            }
            writer.endRecord()
            if writer.bytes.count > 1 << 20 { sink.write(writer.take()) }
        }
        sink.write(writer.take())
        try sink.close()
        phase("write")
        note("assigned \(records.count) orders: " + AssignmentStatus.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        if !withoutRule.isEmpty {
            let list = withoutRule.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            note("warning: \(withoutRule.values.reduce(0, +)) order(s) in categories without a routing rule went to the street unit: \(list)")
        }
        reportPeakMemoryIfAsked()
    }
}
