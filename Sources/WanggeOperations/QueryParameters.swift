import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

public struct QueryParameters: ParsableArguments, Capability {
    public init() {}

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json, geojson }

    @Argument(help: "The query's name (see --list).")
    public var name: String?

    @Flag(help: "List the queries with their parameters and columns.")
    public var list = false

    @OptionGroup public var source: QuerySource

    @Option(name: .customLong("param"), help: "A parameter as name=value (repeatable).")
    public var parameters: [String] = []

    @Option(help: "csv, json or geojson (--list: csv prints text, json the catalogue).")
    public var format: Format = .csv

    @OptionGroup public var byteOrderMark: BOMOption

    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        if !list && name == nil { throw ValidationError("give a query name, or --list") }
        for p in parameters where !p.contains("=") { throw ValidationError("--param \"\(p)\": expected name=value") }
    }

    public func report(from data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        let (store, catalog) = try data.open()
        if list && format != .csv {
            report.format = "json"
            report.json(
                .array(
                    catalog.queries.map { q in
                        .object([
                            "name": .string(q.name), "description": .string(q.description), "columns": .array(q.columns.map(JSONValue.string)),
                            "parameters": .array(
                                q.parameters.map { p in
                                    .object([
                                        "name": .string(p.name), "type": .string(p.type.rawValue), "description": .string(p.description),
                                        "required": .bool(p.defaultValue == nil), "default": p.defaultValue.map(JSONValue.string) ?? .null,
                                    ])
                                }),
                        ])
                    }))
            return report
        }
        if list {
            var text = ""
            for q in catalog.queries {
                text += "\(q.name)\n  \(q.description)\n  columns: \(q.columns.joined(separator: ", "))\n"
                for p in q.parameters {
                    let fallback = p.defaultValue.map { $0.isEmpty ? " (default: empty)" : " (default: \($0))" } ?? " (required)"
                    text += "  --param \(p.name)=<\(p.type.rawValue)>\(fallback)  \(p.description)\n"
                }
            }
            report.format = "text"
            report.bytes = Array(text.utf8)
            return report
        }
        var bytes: [UInt8] = []
        let count = try stream(from: data) { bytes += $0 }
        if let name { report.filename = Report.filename(["query", name]) }
        report.bytes = bytes
        report.note("\(count) row(s)")
        return report
    }

    /// Runs the named query and writes its rows in the chosen format to `write` as SQLite
    /// steps them, in pieces of about 64 KiB: the result is never held whole (the server
    /// streams it; ``report(from:)`` collects it). Returns the number of rows.
    @discardableResult
    public func stream(from data: DataSource, write: ([UInt8]) throws -> Void) throws -> Int {
        let (store, catalog) = try data.open()
        guard let name else { throw ValidationError("give a query name, or --list") }
        var given: [String: String] = [:]
        for p in parameters {
            let parts = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            given[String(parts[0])] = String(parts[1])
        }
        let columns = try catalog.query(named: name).columns
        let geometryColumn = columns.firstIndex(of: "geometry")
        // A feature's top-level id: the query's `id` column, else its `code` (cells).
        let idColumn = columns.firstIndex(of: "id") ?? columns.firstIndex(of: "code")
        if format == .geojson && geometryColumn == nil {
            throw OperationError("query \(name) has no geometry column; use --format csv or json")
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(80_000)
        var count = 0
        var csv = CSVWriter(bom: bom)
        switch format {
        case .csv: csv.write(columns); buffer = csv.take()
        case .json: buffer = Array("[".utf8)
        case .geojson: buffer = Array(#"{"features":["#.utf8)
        }
        try catalog.stream(name, parameters: given, on: store) { row in
            switch format {
            case .csv:
                csv.write(row.map { $0.csvText })
                buffer += csv.take()
            case .json:
                if count > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer += JSONValue.object(Dictionary(uniqueKeysWithValues: zip(columns, row.map(\.json)))).jsonText.utf8
            case .geojson:
                var properties: [String: JSONValue] = [:]
                for (i, c) in columns.enumerated() where i != geometryColumn { properties[c] = row[i].json }
                let geometry = row[geometryColumn!].string.flatMap { try? JSONParser.parse(Array($0.utf8)) } ?? .null
                if count > 0 { buffer.append(UInt8(ascii: ",")) }
                var feature: [String: JSONValue] = ["type": .string("Feature"), "properties": .object(properties), "geometry": geometry]
                if let idColumn, row[idColumn] != .null { feature["id"] = row[idColumn].json }
                buffer += JSONValue.object(feature).jsonText.utf8
            }
            count += 1
            if buffer.count >= 65_536 { try write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        switch format {
        case .csv: break
        case .json: buffer += "]\n".utf8
        case .geojson: buffer += "],\"type\":\"FeatureCollection\"}\n".utf8
        }
        try write(buffer)
        return count
    }
}

extension SQLValue {
    /// The value as a CSV field: NULL empty, numbers in their shortest form.
    public var csvText: String {
        switch self {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return JSONValue.number(d).jsonText
        case .text(let s): return s
        case .blob(let b): return b.map { String(format: "%02x", $0) }.joined()
        }
    }

    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .integer(let i): return .number(Double(i))
        case .real(let d): return .number(d)
        case .text(let s): return .string(s)
        case .blob(let b): return .string(b.map { String(format: "%02x", $0) }.joined())
        }
    }
}
