import ArgumentParser
import WanggeOperations

/// `wangge query`: ``QueryParameters`` from the command line, the output to `--output`.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one of the named SQL queries of Queries/ (read-only), or list them.",
        discussion: """
            Every query file states its name, description, parameters (type, default) and output columns in its header; all are loaded and checked against the database first, and a broken one is an error naming its file. Parameters are always bound, never spliced into the SQL. --format geojson needs a `geometry` column holding GeoJSON.
            """)

    @OptionGroup var parameters: QueryParameters
    @OptionGroup var destination: OutputFile

    func run() throws { try deliver(parameters, from: parameters.source.data(), to: destination.output) }
}
