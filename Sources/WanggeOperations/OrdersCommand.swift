import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge orders` (`GET /v1/orders/{id}`, `GET /v1/orders?status=invalid`): one stored order
/// with its handling history, or the manual-dispatch list.
public struct OrdersCommand: ParsableCommand, Operation {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Show one stored order with its history (--id), or list the orders that need manual dispatch.",
        discussion: """
            --id ID: the order as received and as routed, its handling status and every status
            change (JSON). Otherwise --status invalid: orders whose coordinates were unusable,
            oldest first; CSV header: id,received_at,category,lon,lat,crs,reason
            """)

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json }

    @OptionGroup var source: QuerySource

    @Option(help: "One order, by id (JSON with its history).")
    var id: String?

    @Option(help: "Which orders: invalid (the manual-dispatch list).")
    var status: String = "invalid"

    @Option(help: "csv or json (--id: json).")
    var format: Format = .csv

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    public func validate() throws {
        guard status == "invalid" else { throw ValidationError("--status: only \"invalid\" (the manual-dispatch list) is supported") }
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
        let result = try catalog.run("manual_dispatch", parameters: [:], on: store)
        switch format {
        case .csv:
            var writer = CSVWriter()
            writer.write(result.columns)
            for r in result.rows { writer.write(r.map(\.csvText)) }
            report.bytes = writer.take()
        case .json:
            report.json(.array(result.rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(result.columns, r.map(\.json)))) }))
        }
        report.note("\(result.rows.count) order(s) need manual dispatch")
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
