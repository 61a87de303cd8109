import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

struct OrdersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "List stored orders that need manual dispatch (unusable coordinates).")

    @OptionGroup var source: QuerySource

    @Option(help: "Which orders: invalid (the manual-dispatch list).")
    var status: String = "invalid"

    @Option(help: "Output CSV, or - for standard output.")
    var output: String = "-"

    func validate() throws {
        guard status == "invalid" else { throw ValidationError("--status: only \"invalid\" (the manual-dispatch list) is supported") }
    }

    func run() throws {
        let rows: [[String]]
        do {
            let (store, catalog) = try source.open()
            rows = try catalog.run("manual_dispatch", parameters: [:], on: store).rows.map { (row: [SQLValue]) in row.map { $0.csvText } }
        } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
        var writer = CSVWriter()
        writer.write(["id", "received_at", "category", "lon", "lat", "crs", "reason"])
        for r in rows { writer.write(r) }
        let sink = try OutputSink(output)
        sink.write(writer.take())
        try sink.close()
        note("\(rows.count) order(s) need manual dispatch")
    }
}

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the database's schema version and layer sizes.")

    @Option(help: "The SpatiaLite database.")
    var db: String

    func run() throws {
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
