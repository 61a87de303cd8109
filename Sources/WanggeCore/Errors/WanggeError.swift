/// What kind of failure an error is, so each front end answers it the same way without
/// reading its text: the server maps a kind to an HTTP status, the CLI to an exit code
/// (see README, "Errors"). Modelled on Hummingbird's `HTTPResponseError`, where each error
/// says its own status, but abstract: the core knows nothing of HTTP or processes.
public enum ErrorKind: String, Sendable, Equatable, CaseIterable {
    /// The input cannot be read or a parameter is unusable: a malformed body or file (a quote
    /// never closed, bytes not in their encoding), a value out of its domain. Names the
    /// parameter, field or line where it can (HTTP 400, exit 65).
    case badInput
    /// The input is readable but rows or features fail validation; ``WanggeError/rows``
    /// lists them (HTTP 422, exit 65).
    case invalidRows
    /// Something the caller named does not exist or cannot be opened: an input file, the
    /// database, an order, a unit, a named query (HTTP 404, exit 66).
    case notFound
    /// The request contradicts what is stored: a token name taken (HTTP 409, exit 65).
    case conflict
    /// Well-formed, but the stored data cannot answer it (no cells, too few orders), or it
    /// asks for more work than a cost cap allows (HTTP 422, exit 65).
    case unanswerable
    /// The input is larger than accepted (HTTP 413, exit 65).
    case tooLarge
    /// A resource is busy, locked, stopping or out of time; retrying may succeed (HTTP 503,
    /// exit 69).
    case unavailable
    /// A defect or an environment failure the caller cannot fix (HTTP 500, exit 70).
    case `internal`
}

/// An error that says its own ``ErrorKind`` and, where it applies, what it is about: the
/// parameter at fault (with the values `expected`) or the rows rejected. Every error type of
/// Wangge conforms; front ends turn one into an answer without matching its text.
public protocol WanggeError: Error, CustomStringConvertible {
    var kind: ErrorKind { get }
    /// A short stable name of the problem (`bad-geojson`, `invalid-rows`); defaults to the
    /// kind's (``ErrorKind/code``). The server's problem `type` ends with it.
    var code: String { get }
    /// A one-line title of the problem; defaults to the kind's (``ErrorKind/title``).
    var title: String { get }
    /// The parameter (or option, without its dashes) at fault, if one is.
    var parameter: String? { get }
    /// What the parameter accepts, if said.
    var expected: String? { get }
    /// The rows at fault (at most a hundred or so are kept), if any.
    var rows: [RejectedRow] { get }
    /// How many rows are at fault, when more than ``rows`` lists.
    var rowsTotal: Int { get }
}

extension WanggeError {
    public var code: String { kind.code }
    public var title: String { kind.title }
    public var parameter: String? { nil }
    public var expected: String? { nil }
    public var rows: [RejectedRow] { [] }
    public var rowsTotal: Int { rows.count }
}

extension ErrorKind {
    /// The kind's problem name, as in `tag:wangge,2026:problem:not-found`.
    public var code: String {
        switch self {
        case .badInput: "bad-request"
        case .invalidRows: "invalid-rows"
        case .notFound: "not-found"
        case .conflict: "conflict"
        case .unanswerable: "unanswerable"
        case .tooLarge: "too-large"
        case .unavailable: "unavailable"
        case .internal: "internal-error"
        }
    }

    /// The kind's one-line title.
    public var title: String {
        switch self {
        case .badInput: "Bad request"
        case .invalidRows: "Invalid rows"
        case .notFound: "Not found"
        case .conflict: "Conflict"
        case .unanswerable: "Cannot answer with the stored data"
        case .tooLarge: "Too large"
        case .unavailable: "Unavailable"
        case .internal: "Internal error"
        }
    }
}

/// A row of a file or body that was not taken, and why: the one shape of a rejected row for
/// the importer, the order intake and the HTTP answers (``json``).
public struct RejectedRow: Error, Sendable, Equatable {
    /// 1-based: the line of a CSV file or body, the position in a JSON array; nil when the
    /// problem is not one row's (a layer's feature count, a topology check).
    public var row: Int?
    /// The order's id, when the row has one (nil: not said; "" : the row has none).
    public var id: String?
    /// The field at fault (`received_at`, `status`; `row` for the row as a whole), if said.
    public var field: String?
    public var reason: String
    /// Where in the input the problem starts (0-based byte offset), for undecodable text.
    public var byteOffset: Int?

    public init(row: Int?, id: String? = nil, field: String? = nil, reason: String, byteOffset: Int? = nil) {
        self.row = row; self.id = id; self.field = field; self.reason = reason; self.byteOffset = byteOffset
    }

    /// `{"row"?, "id"?, "field"?, "reason", "byte_offset"?}`: the members said, nothing else.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["reason": .string(reason)]
        if let row { o["row"] = .number(Double(row)) }
        if let id { o["id"] = .string(id) }
        if let field { o["field"] = .string(field) }
        if let byteOffset { o["byte_offset"] = .number(Double(byteOffset)) }
        return .object(o)
    }
}

/// A file named as input that does not exist or cannot be read (kind ``ErrorKind/notFound``):
/// `cannot read PATH: REASON`.
public struct InputFileError: WanggeError, Sendable {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var kind: ErrorKind { .notFound }
    public var code: String { "input-not-found" }
    public var description: String { "cannot read \(path): \(reason)" }
}

/// An output file that cannot be created (a missing directory, no permission, a full disk):
/// kind ``ErrorKind/unavailable``, `cannot write PATH`.
public struct OutputFileError: WanggeError, Sendable {
    public let path: String
    /// The system's words, when it gave any.
    public let reason: String?
    public init(path: String, reason: String? = nil) { self.path = path; self.reason = reason }
    public var kind: ErrorKind { .unavailable }
    public var code: String { "output-not-writable" }
    public var description: String { "cannot write \(path)" + (reason.map { ": \($0)" } ?? "") }
}

/// Rows of a file or body that failed validation, so none was taken (kind
/// ``ErrorKind/invalidRows``): the first ones listed, all counted.
public struct RowsRejected: WanggeError, Sendable {
    public let description: String
    public let rows: [RejectedRow]
    public let rowsTotal: Int
    public let code: String
    public let title: String

    public init(
        _ description: String, rows: [RejectedRow], total: Int? = nil, code: String = ErrorKind.invalidRows.code,
        title: String = ErrorKind.invalidRows.title
    ) {
        self.description = description; self.rows = rows; self.rowsTotal = total ?? rows.count; self.code = code; self.title = title
    }

    public var kind: ErrorKind { .invalidRows }
}
