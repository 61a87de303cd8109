import ArgumentParser
import WanggeStore

/// `wangge info`: the schema version and layer sizes.
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
            throw ExitCode(of: error)
        }
    }
}
