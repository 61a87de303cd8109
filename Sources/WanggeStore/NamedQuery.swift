import Foundation
import WanggeCore

/// A problem with a named query: its file, or the parameters given to it (``parameter``
/// names which), or no query of that name (``ErrorKind/notFound``).
public struct QueryError: WanggeError, Sendable {
    public let message: String
    public let kind: ErrorKind
    public let parameter: String?
    public init(_ message: String, kind: ErrorKind = .badInput, parameter: String? = nil) {
        self.message = message; self.kind = kind; self.parameter = parameter
    }
    public var description: String { message }
}

/// One SQL query of `Queries/`, with the header that documents it:
///
///     -- name: orders_by_cell
///     -- description: Orders counted by their primary cell …
///     -- param: from time = null | Orders received at or after this time (ISO 8601).
///     -- param: categories list = | Only these categories, comma-separated (empty: all).
///     -- columns: cell, count
///     SELECT … WHERE (:from IS NULL OR received_epoch >= :from) …
///
/// A parameter without `= default` is required; `= null` binds SQL NULL. Values are always
/// bound (`:name` in the SQL), never spliced into its text. Types: `text`, `integer`, `real`,
/// `time` (ISO 8601, bound as seconds since the epoch; no zone = +08:00), and `list`
/// (comma-separated, bound as one JSON array text for `json_each`).
public struct NamedQuery: Sendable {
    public enum ParameterType: String, Sendable, CaseIterable {
        case text, integer, real, time, list
    }

    public struct Parameter: Sendable {
        public let name: String
        public let type: ParameterType
        /// nil: required; "null": SQL NULL; otherwise the default value's text.
        public let defaultValue: String?
        public let description: String
    }

    public let name: String
    public let description: String
    public let parameters: [Parameter]
    public let columns: [String]
    public let sql: String
    /// The file it came from, for messages.
    public let file: String

    /// Parses a query file; errors name the file and the line.
    public init(text: String, file: String) throws {
        var name: String?, description = "", columns: [String] = [], parameters: [Parameter] = []
        var sqlLines: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard sqlLines.isEmpty, trimmed.hasPrefix("--") else { sqlLines.append(String(line)); continue }
            let header = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces)
            guard let colon = header.firstIndex(of: ":") else { continue }
            let key = header[..<colon].trimmingCharacters(in: .whitespaces)
            let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "name": name = value
            case "description": description = description.isEmpty ? value : description + " " + value
            case "columns": columns = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case "param": parameters.append(try Self.parameter(value, file: file, line: number + 1))
            default: break
            }
        }
        guard let name, !name.isEmpty else { throw QueryError("\(file): the header has no `-- name:` line") }
        guard name == (file as NSString).lastPathComponent.replacingOccurrences(of: ".sql", with: "") else {
            throw QueryError("\(file): the query is named \"\(name)\" but the file is not \(name).sql")
        }
        guard !description.isEmpty else { throw QueryError("\(file): the header has no `-- description:` line") }
        guard !columns.isEmpty else { throw QueryError("\(file): the header has no `-- columns:` line") }
        let sql = sqlLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !sql.isEmpty else { throw QueryError("\(file): no SQL after the header") }
        self.name = name; self.description = description; self.parameters = parameters
        self.columns = columns; self.sql = sql; self.file = file
    }

    private static func parameter(_ text: String, file: String, line: Int) throws -> Parameter {
        let (declaration, description) = text.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            .splitDescription()
        let parts = declaration.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let words = parts[0].split(separator: " ").map(String.init)
        guard words.count == 2, let type = ParameterType(rawValue: words[1]) else {
            throw QueryError(
                "\(file):\(line): a parameter is declared as `-- param: NAME TYPE [= DEFAULT] | description` with TYPE one of \(ParameterType.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return Parameter(name: words[0], type: type, defaultValue: parts.count > 1 ? parts[1] : nil, description: description)
    }

    /// The SQL values for `given` (parameter name → text), defaults filling the rest, in the
    /// order of the prepared statement's parameters.
    func values(_ given: [String: String], order: [String]) throws -> [SQLValue] {
        let known = Set(parameters.map(\.name))
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) {
            throw QueryError(
                "query \(name) has no parameter \"\(unknown)\"; its parameters: \(parameters.map(\.name).joined(separator: ", "))", parameter: unknown
            )
        }
        var byName: [String: SQLValue] = [:]
        for p in parameters {
            guard let text = given[p.name] ?? p.defaultValue else {
                throw QueryError("query \(name) needs --param \(p.name)=… (\(p.type.rawValue): \(p.description))", parameter: p.name)
            }
            byName[p.name] = try Self.value(text, as: p.type, isDefault: given[p.name] == nil, parameter: p.name, query: name)
        }
        return order.map { byName[$0] ?? .null }
    }

    static func value(_ text: String, as type: ParameterType, isDefault: Bool, parameter: String, query: String) throws -> SQLValue {
        if isDefault && text == "null" { return .null }
        func bad(_ expected: String) -> QueryError {
            QueryError("query \(query): --param \(parameter)=\"\(text)\" is not \(expected)", parameter: parameter)
        }
        switch type {
        case .text: return .text(text)
        case .integer:
            guard let v = Int64(text) else { throw bad("an integer") }
            return .integer(v)
        case .real:
            guard let v = Double(text), v.isFinite else { throw bad("a finite number") }
            return .real(v)
        case .time:
            guard let v = Timestamp.parse(text) else { throw bad("a time: \(Timestamp.forms), or a date") }
            return .real(v)
        case .list:
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return .text(JSONValue.array(items.map(JSONValue.string)).jsonText)
        }
    }
}

private extension Array where Element == String {
    func splitDescription() -> (String, String) { (self.first ?? "", count > 1 ? self[1] : "") }
}

/// The named queries of a `Queries/` directory, loaded and checked together: a broken file
/// is an error naming it, so nothing runs on a half-valid catalog.
public struct QueryCatalog: Sendable {
    /// Sorted by name.
    public let queries: [NamedQuery]

    /// Reads every `*.sql` file of `directory`.
    public init(directory: String) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw QueryError("cannot read the queries directory \(directory): \(error.localizedDescription)", kind: .notFound)
        }
        guard !names.isEmpty else { throw QueryError("no .sql files in the queries directory \(directory)") }
        queries = try names.map { file in
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw QueryError("\(path): not readable as UTF-8") }
            return try NamedQuery(text: text, file: path)
        }
    }

    public func query(named name: String) throws -> NamedQuery {
        guard let q = queries.first(where: { $0.name == name }) else {
            throw QueryError("no query named \"\(name)\"; known: \(queries.map(\.name).joined(separator: ", "))", kind: .notFound)
        }
        return q
    }

    /// Prepares every query on `store`'s connection and checks it against its header: it only
    /// reads, its `:parameters` are exactly the declared ones, and its result columns are the
    /// declared columns in order.
    public func check(on store: WanggeStore) throws {
        for q in queries {
            let statement: Statement
            do { statement = try store.database.prepare(q.sql) } catch { throw QueryError("\(q.file): \(error)") }
            guard statement.isReadOnly else { throw QueryError("\(q.file): the query writes; named queries only read") }
            let used = statement.parameterNames
            if used.contains(where: { $0 == nil }) { throw QueryError("\(q.file): use named parameters (:name), not ?") }
            let declared = Set(q.parameters.map(\.name)), bound = Set(used.compactMap { $0 })
            guard declared == bound else {
                throw QueryError(
                    "\(q.file): the header declares parameters [\(declared.sorted().joined(separator: ", "))] but the SQL uses [\(bound.sorted().joined(separator: ", "))]"
                )
            }
            let columns = (0 ..< statement.columnCount).map(statement.columnName)
            guard columns == q.columns else {
                throw QueryError(
                    "\(q.file): the header declares columns \(q.columns.joined(separator: ",")) but the query returns \(columns.joined(separator: ","))"
                )
            }
        }
    }

    /// Runs query `name` on `store` with `parameters` (name → text) bound.
    public func run(_ name: String, parameters: [String: String], on store: WanggeStore) throws -> (columns: [String], rows: [[SQLValue]]) {
        let q = try query(named: name)
        let statement = try store.database.prepare(q.sql)
        let order = statement.parameterNames.map { $0 ?? "" }
        let rows = try statement.rows(try q.values(parameters, order: order))
        return (q.columns, rows)
    }

    /// How many rows query `name` answers with `parameters` bound (its SQL as a subquery of
    /// `count(*)`): the total behind a page of an export.
    public func count(_ name: String, parameters: [String: String], on store: WanggeStore) throws -> Int {
        let q = try query(named: name)
        let statement = try store.database.prepare("SELECT count(*) FROM (\(q.sql))")
        let order = statement.parameterNames.map { $0 ?? "" }
        return try statement.rows(try q.values(parameters, order: order)).first?[0].int ?? 0
    }

    /// Runs query `name` like ``run(_:parameters:on:)`` but hands each row to `row` as it is
    /// stepped, so a large result (an export of every order) is never held in memory.
    public func stream(_ name: String, parameters: [String: String], on store: WanggeStore, row: ([SQLValue]) throws -> Void) throws {
        let q = try query(named: name)
        let statement = try store.database.prepare(q.sql)
        let order = statement.parameterNames.map { $0 ?? "" }
        try statement.bind(try q.values(parameters, order: order))
        let width = statement.columnCount
        var values = [SQLValue](repeating: .null, count: width)
        while try statement.step() {
            for i in 0 ..< width { values[i] = statement.value(i) }
            try row(values)
        }
    }
}
