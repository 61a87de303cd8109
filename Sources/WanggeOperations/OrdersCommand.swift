import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge orders` (`GET /v1/orders/{id}`, `GET /v1/orders?status=…`): one stored order
/// with its handling history, or the manual-dispatch list: orders without a responsible unit.
public struct OrdersCommand: ParsableCommand, Operation {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Show one stored order with its history (--id), or list the orders that need manual dispatch.",
        discussion: """
            --id ID: the order as received and as routed, its handling status and every status
            change (JSON). Otherwise the manual-dispatch list (人工派遣), oldest first, by --status:
            invalid (unusable coordinates), outside (outside the district grid: farther than the
            snap distance from every cell; never given a unit), unrouted (default: every order
            without a responsible unit, those two included). CSV header:
            id,received_at,category,assign_status,lon,lat,crs,distance_m,reason
            """)

    /// Which orders the manual-dispatch list shows.
    public enum DispatchStatus: String, ExpressibleByArgument, CaseIterable, Sendable { case invalid, outside, unrouted }

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json }

    @OptionGroup var source: QuerySource

    @Option(help: "One order, by id (JSON with its history).")
    var id: String?

    @Option(help: "Which orders need manual dispatch: invalid, outside or unrouted (every order without a unit).")
    var status: DispatchStatus = .unrouted

    @Option(help: "csv or json (--id: json).")
    var format: Format = .csv

    @Flag(help: "CSV: start with a UTF-8 byte order mark, for Excel (data exports have none by default).")
    var bom = false

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    public func validate() throws {
        if let id, id.isEmpty { throw ValidationError("--id must not be empty") }
    }

    public func run() throws { try deliver(self, from: source.data(), to: output) }

    public func report(from data: DataSource) throws -> Report {
        let (store, catalog) = try data.open()
        if let id {
            var report = Report(format: "json")
            let order = try catalog.run("order_by_id", parameters: ["id": id], on: store)
            guard let row = order.rows.first else { throw OperationError("no stored order has id \"\(id)\"", kind: .notFound) }
            var object = Dictionary(uniqueKeysWithValues: zip(order.columns, row.map(\.json)))
            if case .string(let text)? = object["attributes"], let parsed = try? JSONParser.parse(Array(text.utf8)) { object["attributes"] = parsed }
            let history = try catalog.run("order_history", parameters: ["id": id], on: store)
            object["history"] = .array(history.rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(history.columns, r.map(\.json)))) })
            report.json(.object(object))
            report.note("order \(id): \(row[6].string ?? "") , \(history.rows.count) status change(s)")
            return report
        }
        var report = Report(format: format.rawValue)
        report.filename = Report.filename(["orders", status.rawValue])
        let result = try catalog.run("manual_dispatch", parameters: ["status": status.rawValue], on: store)
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(result.columns)
            for r in result.rows { writer.write(r.map(\.csvText)) }
            report.bytes = writer.take()
        case .json:
            report.json(.array(result.rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(result.columns, r.map(\.json)))) }))
        }
        report.note("\(result.rows.count) order(s) need manual dispatch (\(status.rawValue))")
        return report
    }
}

/// `wangge info`: the schema version and layer sizes.
public struct InfoCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the database's schema version and layer sizes.")

    @Option(help: "The SpatiaLite database.")
    var db: String

    public func run() throws {
        do {
            let store = try WanggeStore(path: db, readOnly: true)
            print("schema_version\t\(store.schemaVersion)")
            for (layer, rows) in try store.counts() { print("\(layer)\t\(rows)") }
        } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
    }
}
