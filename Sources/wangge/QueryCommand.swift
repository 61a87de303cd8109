import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one of the named SQL queries of Queries/ (read-only), or list them.",
        discussion: """
            Every query file states its name, description, parameters (type, default) and output
            columns in its header; all are loaded and checked against the database first, and a
            broken one is an error naming its file. Parameters are always bound, never spliced
            into the SQL. --format geojson needs a `geometry` column holding GeoJSON.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json, geojson }

    @Argument(help: "The query's name (see --list).")
    var name: String?

    @Flag(help: "List the queries with their parameters and columns.")
    var list = false

    @OptionGroup var source: QuerySource

    @Option(name: .customLong("param"), help: "A parameter as name=value (repeatable).")
    var parameters: [String] = []

    @Option(help: "csv, json or geojson.")
    var format: Format = .csv

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    func validate() throws {
        if !list && name == nil { throw ValidationError("give a query name, or --list") }
        for p in parameters where !p.contains("=") { throw ValidationError("--param \"\(p)\": expected name=value") }
    }

    func run() throws {
        let store: WanggeStore, catalog: QueryCatalog
        do { (store, catalog) = try source.open() } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
        let sink = try OutputSink(output)
        if list {
            var text = ""
            for q in catalog.queries {
                text += "\(q.name)\n  \(q.description)\n  columns: \(q.columns.joined(separator: ", "))\n"
                for p in q.parameters {
                    let fallback = p.defaultValue.map { $0.isEmpty ? " (default: empty)" : " (default: \($0))" } ?? " (required)"
                    text += "  --param \(p.name)=<\(p.type.rawValue)>\(fallback)  \(p.description)\n"
                }
            }
            sink.write(Array(text.utf8))
            try sink.close()
            return
        }
        var given: [String: String] = [:]
        for p in parameters {
            let parts = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            given[String(parts[0])] = String(parts[1])
        }
        let result: (columns: [String], rows: [[SQLValue]])
        do { result = try catalog.run(name!, parameters: given, on: store) } catch {
            sink.discard()
            note("error: \(error)")
            throw ExitCode.failure
        }
        switch format {
        case .csv:
            var writer = CSVWriter()
            writer.write(result.columns)
            for row in result.rows { writer.write(row.map { $0.csvText }) }
            sink.write(writer.take())
        case .json:
            let objects = result.rows.map { row in JSONValue.object(Dictionary(uniqueKeysWithValues: zip(result.columns, row.map(\.json)))) }
            sink.write(Array((JSONValue.array(objects).jsonText + "\n").utf8))
        case .geojson:
            guard let g = result.columns.firstIndex(of: "geometry") else {
                sink.discard()
                note("error: query \(name!) has no geometry column; use --format csv or json")
                throw ExitCode.failure
            }
            let features: [JSONValue] = result.rows.map { row in
                var properties: [String: JSONValue] = [:]
                for (i, c) in result.columns.enumerated() where i != g { properties[c] = row[i].json }
                let geometry = row[g].string.flatMap { try? JSONParser.parse(Array($0.utf8)) } ?? .null
                return .object(["type": .string("Feature"), "properties": .object(properties), "geometry": geometry])
            }
            sink.write(Array((JSONValue.object(["type": .string("FeatureCollection"), "features": .array(features)]).jsonText + "\n").utf8))
        }
        try sink.close()
        note("\(result.rows.count) row(s)")
    }
}

extension SQLValue {
    /// The value as a CSV field: NULL empty, numbers in their shortest form.
    var csvText: String {
        switch self {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return JSONValue.number(d).jsonText
        case .text(let s): return s
        case .blob(let b): return b.map { String(format: "%02x", $0) }.joined()
        }
    }

    var json: JSONValue {
        switch self {
        case .null: return .null
        case .integer(let i): return .number(Double(i))
        case .real(let d): return .number(d)
        case .text(let s): return .string(s)
        case .blob(let b): return .string(b.map { String(format: "%02x", $0) }.joined())
        }
    }
}
