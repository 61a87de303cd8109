import ArgumentParser
import Foundation
import WanggeOperations
import WanggeCore
import WanggeStore

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Route orders to their cell, responsible unit and inspection points (nothing is stored).",
        discussion: """
            Input: an orders CSV with at least id,lon,lat,category,received_at (optional crs). The file is UTF-8 (a BOM is skipped) or GB18030/GBK (detected, with a notice; or --encoding).

            Output: one row per input row, in input order, with the header
            \(helpColumns(["id"] + AssignmentRow.header.dropFirst() + AssignmentRow.locationHeader))

            Rows with unusable coordinates are located by their address column (or shop, place, code column) in the database's standard address layer (`wangge import addresses`): located_by says how (coordinates, shop, place, address, interpolated, or empty) and match gives the standard address id. A row whose address resolves farther than --address-far-metres from its coordinates keeps them and has match address_far:<id>.

            Rows still unlocated, and rows with an unreadable received_at or a control character in the id or category, come out with status invalid; the reason (with up to 3 candidate addresses) goes to standard error with the line number. They never stop the run.

            One location instead (as GET /v1/assign): --lon X --lat Y [--category C] [--crs S] prints those fields as JSON, with the names of the cell, community, street, unit and inspection points.
            """)

    @Option(help: "The SpatiaLite database holding the district's layers.")
    var db: String

    @Option(help: "Orders CSV, or - for standard input.")
    var input: String?

    @Option(help: "Output CSV (or JSON for one location), or - for standard output.")
    var output: String = "-"

    @Option(help: "One location: its longitude (or x in --crs).")
    var lon: Double?

    @Option(help: "One location: its latitude (or y in --crs).")
    var lat: Double?

    @Option(help: "One location: the order's category.")
    var category: String = ""

    @OptionGroup var snap: SnapOption

    @Option(help: "CRS for rows whose crs column is empty: wgs84 (default), cgcs2000, gcj02, bd09 or EPSG:nnnn.")
    var crs: String = ""

    @OptionGroup var addressFar: AddressFarOption

    @Flag(help: "Start the output CSV with a UTF-8 byte order mark, for Excel (the fields are never altered).")
    var bom = false

    @OptionGroup var encoding: EncodingOption

    @Option(
        help:
            "The summary on standard error: text (lines for people) or json (one object: rows, status_counts, located_by, address_far, categories_without_rule, invalid_rows, seconds)."
    )
    var summary: SummaryFormat = .text

    func validate() throws {
        if (lon == nil) != (lat == nil) { throw ValidationError("give both --lon and --lat") }
        if lon != nil && input != nil { throw ValidationError("give --input (a file of orders) or --lon and --lat (one location), not both") }
        if lon == nil && input == nil { throw ValidationError("give --input (a file of orders) or --lon and --lat (one location)") }
        if let lon, let lat, !(lon.isFinite && lat.isFinite) { throw ValidationError("--lon and --lat must be finite numbers") }
    }

    func run() throws {
        if let lon, let lat { return try assignOne(Coordinate(lon, lat)) }
        let started = ContinuousClock.now
        let index: DistrictIndex
        let addresses: AddressRouting?
        var input: [UInt8]
        let prepared: Result<AssignmentFile.Input, any Error>
        let name = self.input ?? "-"
        // The input is read, and its header and pieces checked, on another core while the index
        // is built. GB18030 is transcoded once, up front; UTF-8 is validated as the pieces are
        // cut (one pass on all cores).
        let forced = encoding.encoding
        let reading = BackgroundValue {
            Result { () throws -> ([UInt8], Result<AssignmentFile.Input, any Error>) in
                var bytes = try readInput(name)
                if forced == .gb18030 { bytes = try TextEncoding.transcodeGB18030(bytes) }
                return (bytes, Result { try AssignmentFile.read(bytes) })
            }
        }
        do {
            let store = try WanggeStore(path: db, readOnly: true)
            index = try store.loadDistrictIndex()
            addresses = try store.addressRouting(for: index, farMetres: addressFar.metres)
            (input, prepared) = try reading.value.get()
        } catch {
            note("error: \(error)")
            throw ExitCode(of: error)
        }
        if index.cells.isEmpty { note("warning: the database has no cells; every order will be outside") }

        let sink = try OutputSink(output)
        if bom { try sink.write(CSVWriter.byteOrderMark) }
        let summary: AssignmentFile.Summary
        do {
            let route = { (input: AssignmentFile.Input) in
                try AssignmentFile.route(
                    input, index: index, addresses: addresses, defaultCRS: crs, snapMetres: snap.metres,
                    progress: { n in if n >= 100_000 { note("… routed \(n) orders") } },
                    write: sink.write)
            }
            do {
                summary = try route(try prepared.get())
            } catch let notUTF8 as TextDecodingError where encoding.encoding == nil {
                // Not UTF-8 (nothing written yet): detection's second step.
                let decoded = try TextEncoding.gb18030(input, notUTF8: notUTF8)
                noteGB18030(name: name, notUTF8: notUTF8)
                input = []
                summary = try route(try AssignmentFile.read(decoded.bytes))
            }
        } catch {
            sink.discard()
            note("error: \(name == "-" ? "standard input" : name): \(error)")
            throw ExitCode(of: error)
        }
        try sink.close()
        if self.summary == .json {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            // Asked for: written even under --quiet.
            FileHandle.standardError.write(Data((Self.summary(summary, seconds: seconds).jsonText + "\n").utf8))
            reportPeakMemoryIfAsked()
            return
        }
        for row in summary.invalidRows {
            note(
                "line \(row.row ?? 0): order \((row.id ?? "").isEmpty ? "(no id)" : ControlCharacters.visible(row.id ?? "")): invalid: \(row.reason)")
        }
        note(
            "assigned \(summary.rows) orders: "
                + AssignmentStatus.allCases.map { "\(summary.statusCounts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        if !summary.locatedBy.isEmpty {
            note(
                "located by address: "
                    + ["shop", "place", "address", "interpolated"].map { "\(summary.locatedBy[$0] ?? 0) \($0)" }.joined(separator: ", "))
        }
        if !summary.addressFar.isEmpty {
            note(
                "warning: \(summary.addressFar.count) order(s) kept their coordinates although their address lies more than \(AssignmentRow.millimetres(addressFar.metres).dropLast(4)) m away (address_far; GCJ-02 sent as WGS84?):"
            )
            for o in summary.addressFar.prefix(20) { note("  line \(o.line): order \(o.id): address \(o.match)") }
            if summary.addressFar.count > 20 { note("  … and \(summary.addressFar.count - 20) more") }
        }
        noteCategoriesWithoutRule(summary.categoriesWithoutRule)
        reportPeakMemoryIfAsked()
    }

    /// `--lon --lat`: one location, as JSON.
    private func assignOne(_ position: Coordinate) throws {
        let assignment: Assignment
        let index: DistrictIndex
        do {
            let system = try CoordinateReferenceSystem(parsing: crs.isEmpty ? "wgs84" : crs)
            index = try WanggeStore(path: db, readOnly: true).loadDistrictIndex()
            assignment = try OrderRouter(index: index, snapMetres: snap.metres).assign(position, crs: system, category: category)
        } catch {
            note("error: \(error)")
            throw ExitCode(of: error)
        }
        if assignment.status == .invalid {
            note("error: the location cannot be used: \(assignment.invalidReason ?? "unusable coordinates")")
            throw ExitCode(.badInput)
        }
        let sink = try OutputSink(output)
        try sink.write(Array((PointAssignment.describe(assignment, in: index).jsonText + "\n").utf8))
        try sink.close()
    }
}

extension AssignCommand {
    /// The `--summary json` object: the counts of a run (the first 100 invalid rows with why).
    static func summary(_ s: AssignmentFile.Summary, seconds: Double) -> JSONValue {
        func counts(_ d: [String: Int]) -> JSONValue { .object(d.mapValues { .number(Double($0)) }) }
        var status: [String: Int] = [:]
        for a in AssignmentStatus.allCases { status[a.rawValue] = s.statusCounts[a] ?? 0 }
        return .object([
            "rows": .number(Double(s.rows)), "status_counts": counts(status), "located_by": counts(s.locatedBy),
            "address_far": .number(Double(s.addressFar.count)), "categories_without_rule": counts(s.categoriesWithoutRule),
            "invalid_rows": .array(s.invalidRows.prefix(100).map(\.json)),
            "seconds": .number((seconds * 1000).rounded() / 1000),
        ])
    }
}
