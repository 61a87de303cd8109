import ArgumentParser
import WanggeCore
import WanggeStore

/// `wangge info`: the schema version and layer sizes.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the database's schema version and layer sizes.")

    @Option(help: "The SpatiaLite database.")
    var db: String

    @Option(help: "text (tab-separated lines) or json (one object: schema_version, layers).")
    var format: SummaryFormat = .text

    func run() throws {
        do {
            let store = try WanggeStore(path: db, readOnly: true)
            let counts = try store.counts()
            if format == .json {
                print(
                    JSONValue.object([
                        "schema_version": .number(Double(store.schemaVersion)),
                        "layers": .object(Dictionary(counts.map { ($0.0, JSONValue.number(Double($0.1))) }, uniquingKeysWith: { a, _ in a })),
                    ]).jsonText)
                return
            }
            print("schema_version\t\(store.schemaVersion)")
            for (layer, rows) in counts { print("\(layer)\t\(rows)") }
        } catch {
            note("error: \(error)")
            throw ExitCode(of: error)
        }
    }
}
