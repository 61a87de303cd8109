/// Where a work order is in its handling: received → dispatched → resolved → closed, and
/// reopened (返工) after a resolution or a closure, to be dispatched or resolved again.
public enum OrderStatus: String, Sendable, CaseIterable {
    case received, dispatched, resolved, closed, reopened

    /// Open until closed: a resolved order still awaits verification (核实结案).
    public var isOpen: Bool { self != .closed }

    /// The statuses an order may move to from this one.
    public var next: Set<OrderStatus> {
        switch self {
        case .received: return [.dispatched, .resolved]
        case .dispatched: return [.resolved]
        case .resolved: return [.closed, .reopened]
        case .closed: return [.reopened]
        case .reopened: return [.dispatched, .resolved]
        }
    }
}

/// One status change of an order, as `wangge import events` reads it (`id,status,at[,note]`).
public struct OrderEvent: Sendable, Equatable {
    public var line: Int
    public var orderID: String
    public var status: OrderStatus
    /// Seconds since the epoch.
    public var at: Double
    public var atText: String
    public var note: String

    public init(line: Int, orderID: String, status: OrderStatus, at: Double, atText: String, note: String) {
        self.line = line; self.orderID = orderID; self.status = status; self.at = at; self.atText = atText; self.note = note
    }

    /// One event from its texts (a CSV row, a JSON object): the status in any case, the time
    /// in one of ``Timestamp/forms``. The one reading of an event, for the CLI and the HTTP API.
    public static func parse(line: Int, orderID: String, status: String, at: String, note: String) -> Result<OrderEvent, RejectedRow> {
        let statusText = status.lowercased()
        guard let s = OrderStatus(rawValue: statusText) else {
            return .failure(
                RejectedRow(
                    row: line, id: orderID, field: "status",
                    reason: "unknown status \"\(statusText)\"; expected one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard let time = Timestamp.parse(at) else {
            return .failure(RejectedRow(row: line, id: orderID, field: "at", reason: "at \"\(at)\" is not a time; expected \(Timestamp.forms)"))
        }
        return .success(OrderEvent(line: line, orderID: orderID, status: s, at: time, atText: at, note: note))
    }

    /// Reads an events CSV row by row, passing each row's event or problem to `row` in file
    /// order: `id,status,at[,note]`, or with `orderID` one order's events, `status,at[,note]`
    /// (an `id` column is then ignored). Rows that cannot be events (wrong field count, empty
    /// id, unknown status, unreadable time) are problems; an empty file, a header without the
    /// columns (``CSVRowError``) or an unclosed quote fail the whole file.
    public static func forEachRow(_ bytes: [UInt8], orderID: String? = nil, _ row: (Result<OrderEvent, RejectedRow>) throws -> Void) throws {
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        let columns = orderID == nil ? "id,status,at" : "status,at"
        guard try reader.next(into: &fields) else { throw CSVRowError(line: 1, message: "the file is empty; expected a header \(columns)[,note]") }
        let header = fields.map { reader.string($0).trimmedASCIISpaces.lowercased() }
        let id = header.firstIndex(of: "id")
        guard id != nil || orderID != nil, let status = header.firstIndex(of: "status"), let at = header.firstIndex(of: "at") else {
            throw CSVRowError(line: reader.line, message: "the header must name \(columns) (and optionally note)")
        }
        let note = header.firstIndex(of: "note")
        while try reader.next(into: &fields) {
            let line = reader.line
            guard fields.count == header.count else {
                try row(.failure(RejectedRow(row: line, id: "", field: "row", reason: "has \(fields.count) fields, the header has \(header.count)")))
                continue
            }
            let rowOrderID = orderID ?? reader.trimmedString(fields[id!])
            guard !rowOrderID.isEmpty else {
                try row(.failure(RejectedRow(row: line, id: "", field: "id", reason: "the order id is empty")))
                continue
            }
            try row(
                parse(
                    line: line, orderID: rowOrderID, status: reader.trimmedString(fields[status]), at: reader.trimmedString(fields[at]),
                    note: note.map { reader.string(fields[$0]) } ?? ""))
        }
    }

    /// Reads an events CSV (`id,status,at[,note]`, as `wangge import events` does): the
    /// events, and the rows that cannot be events with their line, order id and reason.
    public static func read(_ bytes: [UInt8]) throws -> (events: [OrderEvent], problems: [RejectedRow]) {
        var events: [OrderEvent] = []
        var problems: [RejectedRow] = []
        try forEachRow(bytes) { row in
            switch row {
            case .success(let event): events.append(event)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (events, problems)
    }
}
