import ArgumentParser
import Foundation

/// `--db` and `--queries`: the database, read through the named queries.
public struct QuerySource: ParsableArguments, Sendable {
    @Option(help: "The SpatiaLite database (opened read-only).")
    public var db: String

    @Option(help: "The queries directory (default: $WANGGE_QUERIES, else the source tree's Queries/).")
    public var queries: String?

    public init() {}

    /// The database file read-only with the checked named queries, opened on first use.
    public func data() -> DatabaseFile { DatabaseFile(path: db, queriesDirectory: queriesDirectory(queries)) }
}

/// The `Queries/` directory: `--queries`, else `$WANGGE_QUERIES`, else the `Queries/` of the
/// source tree the binary was built in (found by walking up from the executable to a folder
/// holding `Package.swift` and `Queries/`), else `./Queries`.
public func queriesDirectory(_ option: String?) -> String {
    if let option { return option }
    if let variable = ProcessInfo.processInfo.environment["WANGGE_QUERIES"], !variable.isEmpty { return variable }
    var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0 ..< 6 {
        let queries = dir.appendingPathComponent("Queries").path
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
            FileManager.default.fileExists(atPath: queries)
        {
            return queries
        }
        dir.deleteLastPathComponent()
    }
    return "Queries"
}
