import Dispatch
import Foundation

/// One row of a 12345 orders CSV.
public struct WorkOrderRecord: Sendable {
    /// 1-based line of the row in its file.
    public var line: Int
    public var id: String
    /// The coordinates exactly as given (kept, so nothing is lost even when unusable).
    public var lonText: String = ""
    public var latText: String = ""
    /// The position as given (in `crs`), when both ordinates parsed as numbers.
    public var position: Coordinate?
    /// Why the position could not be read (empty field, not a number, bad CRS), if so.
    public var positionProblem: String?
    public var crsText: String
    public var category: String
    public var receivedAtText: String
    /// Seconds since the epoch, when `receivedAtText` parsed.
    public var receivedAt: Double?
    /// The source's other columns, as a JSON object text (`{}` when none).
    public var attributesJSON: String
    /// Handling columns an export may carry (`status`, `resolved_at`, `closed_at`), as given.
    public var statusText = ""
    public var resolvedAtText = ""
    public var closedAtText = ""
    /// A problem with the row itself (wrong column count, missing id, a control character in
    /// the id or category), in lenient mode.
    public var rowProblem: String?
    /// The field ``rowProblem`` is about (`id`, `category`), or nil for the whole row.
    public var rowProblemField: String?

    /// Why `receivedAtText` is unusable, or nil when it is a time (see ``WorkOrderCSV/receivedAtProblem(_:)``).
    public var receivedAtProblem: String? { receivedAt == nil ? WorkOrderCSV.receivedAtProblem(receivedAtText) : nil }

    public init(
        line: Int, id: String, lonText: String = "", latText: String = "", crsText: String = "",
        category: String = "", receivedAtText: String = "", attributesJSON: String = "{}"
    ) {
        self.line = line; self.id = id; self.lonText = lonText; self.latText = latText
        self.crsText = crsText; self.category = category; self.receivedAtText = receivedAtText
        self.receivedAt = Timestamp.parse(receivedAtText); self.attributesJSON = attributesJSON
        (self.position, self.positionProblem) = WorkOrderRecord.position(lon: lonText, lat: latText)
    }

    /// An empty row to be filled in by the reader.
    init(line: Int, crsText: String) {
        self.line = line; self.id = ""; self.crsText = crsText; self.category = ""
        self.receivedAtText = ""; self.attributesJSON = "{}"
    }

    /// Reads a position from its two text fields: a number each (NaN and infinity parse here
    /// and are rejected when converted), or the reason why not.
    public static func position(lon: String, lat: String) -> (Coordinate?, String?) {
        let x = lon.trimmedASCIISpaces, y = lat.trimmedASCIISpaces
        if x.isEmpty { return (nil, "lon is empty") }
        if y.isEmpty { return (nil, "lat is empty") }
        guard let lonValue = Double(x) else { return (nil, "lon \"\(x)\" is not a number") }
        guard let latValue = Double(y) else { return (nil, "lat \"\(y)\" is not a number") }
        return (Coordinate(lonValue, latValue), nil)
    }
}

/// A CSV file or body (orders, units, rules, events, addresses) that cannot be taken as it
/// is: a header without its columns, a row of the wrong width, a required field empty. The
/// read fails naming the line (kind ``ErrorKind/invalidRows``, the line as its one row).
public struct CSVRowError: WanggeError, Sendable {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
    public var kind: ErrorKind { .invalidRows }
    public var rows: [RejectedRow] { [RejectedRow(row: line, reason: message)] }

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// Reads 12345 order exports: a header with at least `id,lon,lat,category,received_at`,
/// optionally `crs`; every other column is kept as an attribute.
public enum WorkOrderCSV {
    public static let requiredColumns = ["id", "lon", "lat", "category", "received_at"]

    /// Why a `received_at` text that ``Timestamp`` cannot read is unusable: the same words in
    /// `import orders`, `POST /v1/orders` and `assign`.
    public static func receivedAtProblem(_ text: String) -> String {
        text.isEmpty
            ? "received_at is empty; expected \(Timestamp.forms)"
            : "received_at \"\(ControlCharacters.visible(text))\" is not a time; expected \(Timestamp.forms)"
    }

    /// Where the known columns are in a header; the other columns are attributes.
    public struct Columns: Sendable {
        /// The header's names, trimmed and lower-cased.
        public let names: [String]
        public let id: Int, lon: Int, lat: Int, category: Int, receivedAt: Int
        public let crs: Int?
        /// Optional handling columns.
        public let status: Int?, resolvedAt: Int?, closedAt: Int?
        public let attributes: [(offset: Int, element: String)]

        public init(header: [String], line: Int) throws {
            names = header.map { $0.trimmedASCIISpaces.lowercased() }
            var column: [String: Int] = [:]
            for (i, name) in names.enumerated() {
                if column[name] != nil {
                    throw CSVRowError(line: line, message: "column \"\(name)\" appears twice in the header")
                }
                column[name] = i
            }
            let missing = WorkOrderCSV.requiredColumns.filter { column[$0] == nil }
            guard missing.isEmpty else {
                throw CSVRowError(
                    line: line,
                    message:
                        "the header lacks \(missing.joined(separator: ", ")); it must name at least \(WorkOrderCSV.requiredColumns.joined(separator: ","))"
                )
            }
            id = column["id"]!; lon = column["lon"]!; lat = column["lat"]!
            category = column["category"]!; receivedAt = column["received_at"]!
            crs = column["crs"]
            status = column["status"]; resolvedAt = column["resolved_at"]; closedAt = column["closed_at"]
            let known = Set(WorkOrderCSV.requiredColumns + ["crs", "status", "resolved_at", "closed_at"])
            attributes = names.enumerated().filter { !known.contains($0.element) }
        }
    }

    /// How rows with structural problems are treated.
    public enum Mode: Sendable {
        /// Fail on the first bad row (import: a file lands whole or not at all).
        case strict
        /// Keep going: such rows come back with `rowProblem` set (assignment: one output row per input row).
        case lenient
    }

    /// Parses `bytes`. `defaultCRS` applies to rows whose `crs` is empty (or when there is no column).
    /// `keepAttributes: false` skips building `attributesJSON` (routing alone does not need it).
    /// Large files are read on all cores, in pieces cut at record boundaries (``CSVSplitter``);
    /// the records and the first error (in file order) are those of a single sequential read.
    public static func read(
        _ bytes: [UInt8], defaultCRS: String = "", mode: Mode, keepAttributes: Bool = true,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> [WorkOrderRecord] {
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        guard try reader.next(into: &fields) else {
            throw CSVRowError(line: 1, message: "the file is empty; expected a header with \(requiredColumns.joined(separator: ","))")
        }
        let columns = try Columns(header: fields.map { reader.string($0) }, line: reader.line)
        return try readBody(
            bytes, from: reader.position, firstLine: reader.nextLine, columns: columns, defaultCRS: defaultCRS,
            mode: mode, keepAttributes: keepAttributes, workers: workers, progress: progress)
    }

    /// Parses the records of `bytes` after `start` (a record boundary on line `firstLine`),
    /// whose header was `columns`: on all cores, in pieces cut at record boundaries.
    static func readBody(
        _ bytes: [UInt8], from start: Int = 0, firstLine: Int, columns: Columns, defaultCRS: String,
        mode: Mode, keepAttributes: Bool, workers: Int,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> [WorkOrderRecord] {
        let pieces = CSVSplitter.split(bytes, from: start, firstLine: firstLine, pieces: max(1, workers) * 4)
        let done = Locked(0)
        return try joined(
            Parallel.map(pieces.count) { k in
                let result = Result {
                    try TextEncoding.checkUTF8(bytes, range: pieces[k].range, firstLine: pieces[k].firstLine)
                    var pieceReader = CSVReader(bytes: bytes, range: pieces[k].range, firstLine: pieces[k].firstLine, validated: true)
                    return try readRecords(&pieceReader, columns: columns, defaultCRS: defaultCRS, mode: mode, keepAttributes: keepAttributes)
                }
                let count = (try? result.get())?.count ?? 0
                if let progress {
                    progress(
                        done.withLock {
                            $0 += count; return $0
                        })
                }
                return result
            })
    }

    /// The order ids of the records of `bytes` (a block of whole records starting on line
    /// `firstLine`) with their lines; rows with the wrong number of fields or an empty id are
    /// left out.
    static func readIDs(_ bytes: [UInt8], firstLine: Int, columns: Columns, workers: Int) throws -> [(line: Int, id: String)] {
        let pieces = CSVSplitter.split(bytes, from: 0, firstLine: firstLine, pieces: max(1, workers) * 4)
        return try joined(
            Parallel.map(pieces.count) { k in
                Result {
                    var reader = CSVReader(bytes: bytes, range: pieces[k].range, firstLine: pieces[k].firstLine)
                    var fields: [Range<Int>] = []
                    var ids: [(line: Int, id: String)] = []
                    while try reader.next(into: &fields) {
                        guard fields.count == columns.names.count else { continue }
                        let id = reader.trimmedString(fields[columns.id])
                        if !id.isEmpty { ids.append((reader.line, id)) }
                    }
                    return ids
                }
            })
    }

    /// The pieces' elements in order, or the first piece's error (in file order).
    private static func joined<Element>(_ pieces: [Result<[Element], any Error>]) throws -> [Element] {
        var all: [Element] = []
        all.reserveCapacity(pieces.reduce(0) { $0 + ((try? $1.get())?.count ?? 0) })
        for piece in pieces { all += try piece.get() }
        return all
    }

    private static func readRecords(
        _ reader: inout CSVReader, columns: Columns, defaultCRS: String, mode: Mode,
        keepAttributes: Bool
    ) throws -> [WorkOrderRecord] {
        let header = columns.names
        let idColumn = columns.id, lonColumn = columns.lon, latColumn = columns.lat
        let categoryColumn = columns.category, receivedColumn = columns.receivedAt
        let crsColumn = columns.crs
        let attributeColumns = columns.attributes
        var fields: [Range<Int>] = []
        var records: [WorkOrderRecord] = []
        while try reader.next(into: &fields) {
            let line = reader.line
            var record = WorkOrderRecord(line: line, crsText: defaultCRS)
            if fields.count != header.count {
                let message = "has \(fields.count) fields, the header has \(header.count)"
                if mode == .strict { throw CSVRowError(line: line, message: message) }
                record.rowProblem = message
                if idColumn < fields.count { record.id = reader.string(fields[idColumn]) }
                records.append(record)
                continue
            }
            record.id = reader.trimmedString(fields[idColumn])
            if record.id.isEmpty {
                if mode == .strict { throw CSVRowError(line: line, message: "the order id is empty") }
                record.rowProblem = "the order id is empty"
                record.rowProblemField = "id"
            }
            record.category = reader.trimmedString(fields[categoryColumn])
            if record.rowProblem == nil {
                for (field, text) in [("id", record.id), ("category", record.category)] {
                    guard let problem = ControlCharacters.problem(in: text, field: field) else { continue }
                    if mode == .strict { throw CSVRowError(line: line, message: problem) }
                    record.rowProblem = problem
                    record.rowProblemField = field
                    break
                }
            }
            record.receivedAtText = reader.trimmedString(fields[receivedColumn])
            record.receivedAt = Timestamp.parse(record.receivedAtText)
            if let crsColumn, !reader.isBlank(fields[crsColumn]) {
                record.crsText = reader.trimmedString(fields[crsColumn])
            }
            if let c = columns.status { record.statusText = reader.trimmedString(fields[c]) }
            if let c = columns.resolvedAt { record.resolvedAtText = reader.trimmedString(fields[c]) }
            if let c = columns.closedAt { record.closedAtText = reader.trimmedString(fields[c]) }
            record.lonText = reader.string(fields[lonColumn])
            record.latText = reader.string(fields[latColumn])
            (record.position, record.positionProblem) = WorkOrderRecord.position(lon: record.lonText, lat: record.latText)
            if keepAttributes && !attributeColumns.isEmpty {
                var json = "{"
                for (n, (i, name)) in attributeColumns.enumerated() {
                    if n > 0 { json += "," }
                    JSONValue.writeString(name, to: &json)
                    json += ":"
                    JSONValue.writeString(reader.string(fields[i]), to: &json)
                }
                record.attributesJSON = json + "}"
            }
            records.append(record)
        }
        return records
    }
}
