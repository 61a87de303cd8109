import ArgumentParser
import Foundation
import WanggeOperations
import WanggeCore
import WanggeStore

extension Layer: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a layer (cells, zones, points: GeoJSON; units, rules, orders, events: CSV; addresses: CSV or GeoJSON) into the database.",
        discussion: """
            Re-importing a layer replaces it and re-routes the stored orders; re-importing orders updates those with known ids. An import is one transaction: it lands whole or not at all. Import units before zones (zones name their unit). An empty file (no features, or a CSV with its header only) does not replace a layer unless --allow-empty. Orders without a responsible unit (unusable coordinates, outside the district grid) are stored all the same and listed for manual dispatch (`wangge orders`).
            """)

    @Argument(help: "The layer: \(Layer.allCases.map(\.rawValue).joined(separator: ", ")).")
    var layer: Layer

    @Argument(help: "The file to import, or - for standard input.")
    var file: String

    @Option(help: "The SpatiaLite database (created when missing).")
    var db: String

    @Option(help: "CRS of the file: wgs84 (default), cgcs2000, gcj02, bd09 or EPSG:nnnn. For orders: the default for rows whose crs column is empty.")
    var crs: String?

    @Flag(help: "Fail on warnings too (overlapping cells or zones, gaps between cells).")
    var strict = false

    @Flag(name: .customLong("allow-empty"), help: "Let an empty file (no features, or a CSV header only) replace the layer, emptying it.")
    var allowEmpty = false

    @OptionGroup var snap: SnapOption

    @OptionGroup var encoding: EncodingOption

    @OptionGroup var addressFar: AddressFarOption

    @Option(
        help:
            "The summary on standard output: text (a line) or json (one object: layer, stored, inserted, updated, rejected, reassigned, manual_dispatch, status_counts, warnings, seconds)."
    )
    var format: SummaryFormat = .text

    func run() throws {
        // A UTF-8 orders file is streamed (read block by block, twice): memory stays bounded
        // whatever its size. Orders on standard input are first copied block by block to a
        // temporary file, then streamed from it. Other layers and GB18030 files are read whole
        // and decoded first.
        var streamed = layer == .orders && encoding.encoding != .gb18030
        var spooled: String?
        if streamed && file == "-" { spooled = try spoolStandardInput() }
        defer { if let spooled { unlink(spooled) } }
        let path = spooled ?? file
        if streamed && encoding.encoding == nil { streamed = try fileIsUTF8(path) }
        var bytes: [UInt8] = []
        if !streamed {
            do { bytes = try encoding.decode(try readInput(path), name: file) } catch let error as TextDecodingError {
                note("error: \(file == "-" ? "standard input" : file): \(error)")
                throw ExitCode(of: error)
            }
        }
        let started = ContinuousClock.now
        let store = try WanggeStore(path: db)
        var importer = Importer(store: store, strict: strict, snapMetres: snap.metres, allowEmpty: allowEmpty, progress: { note("… \($0)") })
        importer.addressFarMetres = addressFar.metres
        let report: ImportReport
        do {
            if streamed {
                if let crs { _ = try CoordinateReferenceSystem(parsing: crs) }
                let stream = try WorkOrderStream(defaultCRS: crs ?? "", mode: .strict) {
                    let reader = try FileBlockReader(path: path)
                    return { try reader.read($0) }
                }
                report = try importer.importOrders(stream)
            } else {
                report = try importer.importLayer(layer, bytes: bytes, crs: crs)
            }
        } catch {
            note("error: \(error)")
            throw ExitCode(of: error)
        }
        for w in report.warnings { note("warning: \(w.message)") }
        var summary = "imported \(report.stored) \(layer.rawValue)"
        if layer == .orders {
            summary += " (\(report.inserted) new, \(report.updated) updated): "
            summary += AssignmentStatus.allCases.map { "\(report.statusCounts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        }
        if layer == .orders {
            var byAddress: [String: Int] = [:]
            for l in report.located where !l.locatedBy.isEmpty && l.locatedBy != "coordinates" { byAddress[l.locatedBy, default: 0] += 1 }
            if !byAddress.isEmpty {
                summary +=
                    "; located by address: "
                    + ["shop", "place", "address", "interpolated"].map { "\(byAddress[$0] ?? 0) \($0)" }.joined(separator: ", ")
            }
            let far = report.located.filter(\.isAddressFar).count
            if far > 0 {
                summary +=
                    "; \(far) address_far (coordinates kept; the address lies more than \(AssignmentRow.millimetres(addressFar.metres).dropLast(4)) m away)"
            }
        }
        if layer == .orders && report.appliedEvents > 0 { summary += "; \(report.appliedEvents) status change(s) from its handling columns" }
        if report.reassigned > 0 { summary += "; re-routed \(report.reassigned) stored orders" }
        if format == .json {
            let elapsed = ContinuousClock.now - started
            print(Self.summary(report, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18).jsonText)
        } else {
            print(summary)
        }
        if report.manualDispatchCount > 0 {
            let byStatus = AssignmentStatus.allCases.compactMap { s -> String? in
                let n = report.manualDispatchByStatus[s] ?? 0
                return n > 0 ? "\(n) \(s.rawValue)" : nil
            }.joined(separator: ", ")
            note(
                "\(report.manualDispatchCount) order(s) without a responsible unit (\(byStatus)) were stored for manual dispatch (list them with `wangge orders --db \(db)`):"
            )
            for o in report.manualDispatch.prefix(20) { note("  line \(o.line): order \(o.id): \(o.reason)") }
            if report.manualDispatchCount > 20 { note("  … and \(report.manualDispatchCount - 20) more") }
        }
        if !report.rejectedEvents.isEmpty {
            note("warning: \(report.rejectedEvents.count) event(s) were not applied:")
            for e in report.rejectedEvents.prefix(50) {
                note("  line \(e.row ?? 0): order \((e.id ?? "").isEmpty ? "(no id)" : e.id ?? ""): \(e.reason)")
            }
            if report.rejectedEvents.count > 50 { note("  … and \(report.rejectedEvents.count - 50) more") }
        }
        noteCategoriesWithoutRule(report.categoriesWithoutRule)
        reportPeakMemoryIfAsked()
    }

    /// Copies standard input to a new temporary file, block by block, and returns its path.
    private func spoolStandardInput() throws -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/wangge-import-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ValidationError("cannot make a temporary file for standard input: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do {
            let input = FileHandle.standardInput
            while let block = try input.read(upToCount: 4 << 20), !block.isEmpty {
                try block.withUnsafeBytes { raw in
                    var written = 0
                    while written < raw.count {
                        let n = write(fd, raw.baseAddress! + written, raw.count - written)
                        if n < 0 && errno == EINTR { continue }
                        guard n > 0 else {
                            throw ValidationError("cannot write the temporary copy of standard input \(path): \(String(cString: strerror(errno)))")
                        }
                        written += n
                    }
                }
            }
        } catch {
            unlink(path)
            throw error
        }
        return path
    }
}

extension ImportCommand {
    /// The `--format json` summary: counts of the import and the seconds it took.
    static func summary(_ report: ImportReport, seconds: Double) -> JSONValue {
        var counts: [String: JSONValue] = [:]
        if report.layer == .orders {
            for s in AssignmentStatus.allCases { counts[s.rawValue] = .number(Double(report.statusCounts[s] ?? 0)) }
        }
        return .object([
            "layer": .string(report.layer.rawValue), "stored": .number(Double(report.stored)),
            "inserted": .number(Double(report.inserted)), "updated": .number(Double(report.updated)),
            "rejected": .number(Double(report.rejectedEvents.count)), "reassigned": .number(Double(report.reassigned)),
            "manual_dispatch": .number(Double(report.manualDispatchCount)),
            "manual_dispatch_reasons": .object(report.manualDispatchByReason.mapValues { .number(Double($0)) }), "status_counts": .object(counts),
            "events_applied": .number(Double(report.appliedEvents)),
            "warnings": .array(report.warnings.map { .string($0.message) }),
            "seconds": .number((seconds * 1000).rounded() / 1000),
        ])
    }
}
