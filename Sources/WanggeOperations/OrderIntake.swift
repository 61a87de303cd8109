import Foundation
import WanggeCore

/// Orders posted to the service (`POST /v1/orders`) as JSON or CSV, read into records with
/// the rows that cannot be stored: a missing id, an unreadable reception time, a field of the
/// wrong type. Unusable coordinates are not such a problem: like `wangge import orders`, the
/// order is stored and flagged for manual dispatch.
public enum OrderIntake {
    /// What a body holds: the storable records and the rows that are not (the first
    /// ``keptRejections`` of them, with their count), so a body of a million bad rows costs
    /// a hundred rows of memory.
    public struct Intake: Sendable {
        public var records: [WorkOrderRecord] = []
        public var rejected: [RejectedRow] = []
        public var rejectedCount = 0

        mutating func reject(_ r: @autoclosure () -> RejectedRow) {
            rejectedCount += 1
            if rejected.count < OrderIntake.keptRejections { rejected.append(r()) }
        }
    }

    /// Rejected rows kept with their reasons (the others are counted).
    public static let keptRejections = 100

    /// The body is not an orders document at all (not JSON, not an object or an array of
    /// objects, a CSV without the required columns).
    public struct BodyError: WanggeError, Sendable {
        public let description: String
        /// The line at fault, when the reader said (an unclosed quote, a header lacking columns).
        public var rows: [RejectedRow] = []
        public var kind: ErrorKind { .badInput }
    }

    /// Reads a CSV body with the columns of `wangge import orders`.
    public static func read(csv bytes: [UInt8], defaultCRS: String = "") throws -> Intake {
        let records: [WorkOrderRecord]
        do { records = try WorkOrderCSV.read(bytes, defaultCRS: defaultCRS, mode: .lenient) } catch {
            throw BodyError(description: "the CSV body cannot be read: \(error)", rows: (error as? any WanggeError)?.rows ?? [])
        }
        var intake = Intake()
        for r in records {
            if let problem = r.rowProblem {
                intake.reject(RejectedRow(row: r.line, id: r.id, field: r.rowProblemField ?? "row", reason: problem))
            } else if let problem = r.receivedAtProblem {
                intake.reject(RejectedRow(row: r.line, id: r.id, field: "received_at", reason: problem))
            } else {
                intake.records.append(r)
            }
        }
        return intake
    }

    /// Reads a JSON body: one order object or an array of them, with the members `id`
    /// (string or integer), `lon`, `lat` (numbers or numeric strings; absent or null: stored
    /// for manual dispatch), `category` (string), `received_at` (a time string, see ``Timestamp``), optional
    /// `crs`, `status`, `resolved_at`, `closed_at` (strings); other members are kept as the
    /// order's attributes.
    public static func read(json bytes: [UInt8], defaultCRS: String = "") throws -> Intake {
        var intake = Intake()
        let known: Set = ["id", "lon", "lat", "category", "received_at", "crs", "status", "resolved_at", "closed_at"]
        var row = 0
        var notAnOrder = false
        // Elements are read one at a time: a huge array of non-objects never exists in memory.
        func take(_ item: JSONValue, isArray: Bool) {
            row += 1
            guard case .object(let o) = item else {
                if !isArray { notAnOrder = true; return }
                intake.reject(RejectedRow(row: row, id: "", field: "row", reason: "expected an order object"))
                return
            }
            var id = ""
            switch o["id"] {
            case .string(let s)?: id = s.trimmingCharacters(in: .whitespaces)
            case .number(let d)? where d.rounded() == d && abs(d) < 1e15: id = String(Int64(d))
            case nil, .null?: break
            default:
                intake.reject(RejectedRow(row: row, id: "", field: "id", reason: "expected a string or an integer"))
                return
            }
            guard !id.isEmpty else { intake.reject(RejectedRow(row: row, id: "", field: "id", reason: "the order id is missing or empty")); return }
            func text(_ name: String, required: Bool) -> String?? {
                switch o[name] {
                case .string(let s)?: return .some(s.trimmingCharacters(in: .whitespaces))
                case nil, .null?: return required ? nil : .some(nil)
                default: return nil
                }
            }
            func coordinate(_ name: String) -> String? {
                switch o[name] {
                case .number(let d)?: return JSONValue.number(d).jsonText
                case .string(let s)?: return s
                case nil, .null?: return ""
                default: return nil
                }
            }
            guard let lon = coordinate("lon") else { intake.reject(RejectedRow(row: row, id: id, field: "lon", reason: "expected a number")); return }
            guard let lat = coordinate("lat") else { intake.reject(RejectedRow(row: row, id: id, field: "lat", reason: "expected a number")); return }
            guard let category = text("category", required: true) else {
                intake.reject(RejectedRow(row: row, id: id, field: "category", reason: "expected a string (the order's category)")); return
            }
            guard let received = text("received_at", required: true) else {
                intake.reject(RejectedRow(row: row, id: id, field: "received_at", reason: "expected a time string (\(Timestamp.forms))")); return
            }
            var optional: [String: String] = [:]
            var wrong: String?
            for name in ["crs", "status", "resolved_at", "closed_at"] {
                guard let v = text(name, required: false) else { wrong = name; break }
                if let v { optional[name] = v }
            }
            if let wrong { intake.reject(RejectedRow(row: row, id: id, field: wrong, reason: "expected a string")); return }
            var attributes: [String: JSONValue] = [:]
            for (k, v) in o where !known.contains(k) {
                if case .string = v { attributes[k] = v } else { attributes[k] = .string(v.jsonText) }
            }
            var record = WorkOrderRecord(
                line: row, id: id, lonText: lon, latText: lat, crsText: optional["crs"] ?? defaultCRS,
                category: category ?? "", receivedAtText: received ?? "",
                attributesJSON: JSONValue.object(attributes).jsonText)
            record.statusText = optional["status"] ?? ""
            record.resolvedAtText = optional["resolved_at"] ?? ""
            record.closedAtText = optional["closed_at"] ?? ""
            if let (field, problem) = [("id", id), ("category", record.category)].lazy
                .compactMap({ field, text in ControlCharacters.problem(in: text, field: field).map { (field, $0) } }).first
            {
                intake.reject(RejectedRow(row: row, id: id, field: field, reason: problem))
                return
            }
            if let problem = record.receivedAtProblem {
                intake.reject(RejectedRow(row: row, id: id, field: "received_at", reason: problem))
                return
            }
            if !record.statusText.isEmpty && OrderStatus(rawValue: record.statusText.lowercased()) == nil {
                intake.reject(
                    RejectedRow(
                        row: row, id: id, field: "status",
                        reason:
                            "unknown status \"\(record.statusText)\"; expected one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                    ))
                return
            }
            intake.records.append(record)
        }
        var sawArray = false
        do {
            sawArray = try JSONParser.forEachElement(bytes) { take($0, isArray: $1) }
        } catch { throw BodyError(description: "the JSON body cannot be parsed: \(error)") }
        if notAnOrder || !sawArray && intake.records.isEmpty && intake.rejectedCount == 0 {
            throw BodyError(description: "the JSON body must be an order object or an array of order objects")
        }
        return intake
    }
}

/// One routed location as `GET /v1/assign` and `wangge assign --lon --lat` give it: the fields
/// of a `wangge assign` row, plus the names of the cell, community, street, unit and points.
public enum PointAssignment {
    public static func describe(_ a: Assignment, in index: DistrictIndex) -> JSONValue {
        let row = AssignmentRow(a, in: index)
        var o: [String: JSONValue] = [:]
        for (name, value) in zip(AssignmentRow.header.dropFirst(), row.fields) { o[name] = .string(value) }
        let cell = a.cell.map { index.cells[$0] }
        o["cell_name"] = .string(cell?.name ?? "")
        o["community_name"] = .string(cell?.communityName ?? "")
        o["street_name"] = .string(cell?.streetName ?? "")
        let unitName = a.unit.map { index.units[$0].name } ?? ""
        o["unit_name"] = .string(unitName)
        o["point_names"] = .array(a.points.map { .string(index.points[$0].name) })
        o["lon"] = a.location.map { .number(($0.x * 1e7).rounded() / 1e7) } ?? .null
        o["lat"] = a.location.map { .number(($0.y * 1e7).rounded() / 1e7) } ?? .null
        o["distance_m"] = a.distanceMetres.flatMap { $0.isFinite ? JSONValue.number(($0 * 1000).rounded() / 1000) : nil } ?? .null
        if let reason = a.invalidReason { o["invalid_reason"] = .string(reason) }
        if a.categoryHasNoRule && a.status != .invalid { o["category_has_no_rule"] = .bool(true) }
        return .object(o)
    }
}
