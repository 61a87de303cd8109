import Foundation
import WanggeCore
import WanggeStore

/// Where an operation reads: a read-only store with the checked named queries, and the
/// district's layers and routing index loaded from it.
///
/// The CLI opens the database file once per run (``DatabaseFile``); the server lends a pooled
/// read-only connection and the index it keeps in memory, so a request never rebuilds it.
public protocol DataSource {
    /// A read-only store and the named queries, checked against it.
    func open() throws -> (WanggeStore, QueryCatalog)
    /// The district's layers.
    func district() throws -> District
    /// The routing index of ``district()``.
    func index() throws -> DistrictIndex
    /// `compute()`'s result for `key`, kept while the stored data is unchanged where the source
    /// can tell (the server keeps one per key and SQLite data version); computed each time
    /// otherwise (the CLI reads the database once anyway).
    func memoized<T: Sendable>(_ key: String, _ compute: () throws -> T) throws -> T
}

extension DataSource {
    public func memoized<T: Sendable>(_ key: String, _ compute: () throws -> T) throws -> T { try compute() }
}

/// An operation's result: the bytes in its format, and one-line notes for people (the CLI
/// writes them to standard error; the server logs them).
public struct Report: Sendable {
    public var format: String
    public var bytes: [UInt8] = []
    public var notes: [String] = []
    /// Problems with the request that did not stop it (an unknown category in a filter): the
    /// CLI writes them to standard error as warnings, JSON answers carry them as `warnings`.
    public var warnings: [String] = []
    /// The name a download of this output should get (`sheet-2025-03-03.csv`), without
    /// the extension; the server sends it as `Content-Disposition` with CSV answers.
    public var filename: String?

    public init(format: String) { self.format = format }

    /// A file name from its parts: joined by `-`, every character but ASCII letters, digits,
    /// `.`, `_` and `-` replaced by `-`, so it is safe in a header and on any file system.
    public static func filename(_ parts: [String]) -> String {
        let joined = parts.filter { !$0.isEmpty }.joined(separator: "-")
        return String(
            joined.unicodeScalars.map { c -> Character in
                c.isASCII && (c.properties.isAlphabetic || ("0" ... "9").contains(c) || c == "." || c == "_" || c == "-") ? Character(c) : "-"
            })
    }

    /// The value of a `Content-Disposition` header for a download of this output, or nil when
    /// it is not a CSV file.
    public var contentDisposition: String? {
        guard format == "csv" else { return nil }
        return "attachment; filename=\"\(filename ?? "wangge").csv\""
    }

    /// The media type of ``format``.
    public var contentType: String { Report.contentType(of: format) }

    public static func contentType(of format: String) -> String {
        switch format {
        case "csv": return "text/csv; charset=utf-8"
        case "geojson": return "application/geo+json"
        case "json": return "application/json"
        case "html": return "text/html; charset=utf-8"
        case "mvt": return VectorTile.mediaType
        default: return "text/plain; charset=utf-8"
        }
    }

    package mutating func note(_ line: String) { notes.append(line) }

    /// Adds warnings (see ``warnings``): a JSON object body already written gets them as its
    /// `warnings` member too.
    package mutating func warn(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        warnings += lines
        guard format == "json" || format == "geojson", bytes.first == UInt8(ascii: "{"),
            case .object(var members)? = try? JSONParser.parse(bytes)
        else { return }
        members["warnings"] = .array(warnings.map(JSONValue.string))
        bytes = Array((JSONValue.object(members).jsonText + "\n").utf8)
    }

    /// Sets the body to a JSON value followed by a newline; an object gets the ``warnings``
    /// known by then as its `warnings` member.
    package mutating func json(_ value: JSONValue) {
        var value = value
        if case .object(var members) = value, !warnings.isEmpty {
            members["warnings"] = .array(warnings.map(JSONValue.string))
            value = .object(members)
        }
        bytes = Array((value.jsonText + "\n").utf8)
    }
}

/// A request an operation cannot answer with the data at hand (no cells, too few orders, an
/// unknown order): the message says what is missing. Not a bug, not a broken database.
public struct OperationError: WanggeError, Sendable {
    /// ``ErrorKind/unanswerable`` (the default) or ``ErrorKind/notFound`` (an unknown order or unit).
    public let kind: ErrorKind
    public let message: String
    public init(_ message: String, kind: ErrorKind = .unanswerable) { self.message = message; self.kind = kind }
    public var description: String { message }

    /// The district has no cells: nothing over the grid can be answered.
    public static let noCells = OperationError("the database has no cells; import the cells layer first")
}
