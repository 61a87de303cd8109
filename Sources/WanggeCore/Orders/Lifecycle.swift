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

    /// Reads an events CSV. Rows that cannot be events (unknown status, unreadable time,
    /// empty id, wrong field count) come back as problems with their line; a bad header or
    /// an unclosed quote fails the whole file.
    public static func read(_ bytes: [UInt8]) throws -> (events: [OrderEvent], problems: [RejectedRow]) {
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        guard try reader.next(into: &fields) else { throw CSVRowError(line: 1, message: "the file is empty; expected a header id,status,at[,note]") }
        let header = fields.map { reader.string($0).trimmedASCIISpaces.lowercased() }
        guard let id = header.firstIndex(of: "id"), let status = header.firstIndex(of: "status"), let at = header.firstIndex(of: "at") else {
            throw CSVRowError(line: reader.line, message: "the header must name id,status,at (and optionally note)")
        }
        let note = header.firstIndex(of: "note")
        var events: [OrderEvent] = []
        var problems: [RejectedRow] = []
        while try reader.next(into: &fields) {
            guard fields.count == header.count else {
                problems.append(RejectedRow(row: reader.line, id: "", field: "row", reason: "has \(fields.count) fields, the header has \(header.count)")); continue
            }
            let orderID = reader.trimmedString(fields[id])
            guard !orderID.isEmpty else { problems.append(RejectedRow(row: reader.line, id: "", field: "id", reason: "the order id is empty")); continue }
            let statusText = reader.trimmedString(fields[status]).lowercased()
            guard let s = OrderStatus(rawValue: statusText) else {
                problems.append(RejectedRow(row: reader.line, id: orderID, field: "status", reason: "unknown status \"\(statusText)\"; expected one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")); continue
            }
            let atText = reader.trimmedString(fields[at])
            guard let time = Timestamp.parse(atText) else {
                problems.append(RejectedRow(row: reader.line, id: orderID, field: "at", reason: "at \"\(atText)\" is not a time; expected \(Timestamp.forms)")); continue
            }
            events.append(OrderEvent(line: reader.line, orderID: orderID, status: s, at: time, atText: atText,
                                     note: note.map { reader.string(fields[$0]) } ?? ""))
        }
        return (events, problems)
    }
}
