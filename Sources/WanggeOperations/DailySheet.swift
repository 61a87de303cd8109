import Foundation
import WanggeCore
import WanggeStore

/// The daily sheet's figures, read through the named queries `daily_sheet_orders` and
/// `daily_sheet_summary` (definitions in ``SheetParameters``).
package struct DailySheet {
    package struct Order {
        package var id: String
        package var category: String
        /// The address as reported, else "lon,lat" (WGS84), else "".
        package var address: String
        package var cell: String
        package var points: [String]
        package var receivedAt: Double
        package var deadline: Double
        /// Hours from the day's end to the deadline; negative: overdue.
        package var hoursLeft: Double
        package var status: String
    }

    package struct Summary {
        package var open = 0, overdue = 0, withinDeadline = 0, received3d = 0, rectified3d = 0, rectifiedOnTime3d = 0
    }

    package struct UnitSheet {
        package var unit: String
        package var name: String
        package var summary: Summary
        package var orders: [Order]
    }

    package var date: String
    package var dayStart: Double
    package var dayEnd: Double
    package var units: [UnitSheet]
    /// Orders received during the day that have no responsible unit (invalid, outside the
    /// district grid, or no zone and no street unit): on the manual-dispatch list, 待人工派遣.
    /// The grid centre's own figure: nil on the sheet of one unit.
    package var manualDispatch: Int?
    /// Inspection point id → name.
    package var pointNames: [String: String]
    /// Cell code → (community name, street name).
    package var cellNames: [String: (community: String, street: String)]

    package static func load(date: String, unit: String?, from data: DataSource) throws -> DailySheet {
        guard let start = SheetParameters.dayStart(date) else { throw OperationError("--date \"\(date)\" is not a day written YYYY-MM-DD") }
        let end = start + 86_400  // China Standard Time has no daylight saving
        let (store, catalog) = try data.open()
        let district = try data.district()
        if let unit, !district.units.contains(where: { $0.id == unit }) {
            let known = district.units.map(\.id).sorted()
            throw OperationError(
                "unknown unit \"\(unit)\"; the units are: \(known.prefix(30).joined(separator: ", "))\(known.count > 30 ? ", …" : "")",
                kind: .notFound)
        }
        var parameters = ["day_end": Timestamp.format(end)]
        if let unit { parameters["unit"] = unit }
        let summaries = try catalog.run("daily_sheet_summary", parameters: parameters, on: store).rows
        parameters["day_start"] = Timestamp.format(start)
        var orders: [String: [Order]] = [:]
        for r in try catalog.run("daily_sheet_orders", parameters: parameters, on: store).rows {
            var address = r[3].string ?? ""
            if address.isEmpty, let lon = r[4].double, let lat = r[5].double {
                address = String(format: "%.6f,%.6f", lon, lat)
            }
            let deadline = r[10].double ?? 0
            orders[r[0].string ?? "", default: []].append(
                Order(
                    id: r[1].string ?? "", category: r[2].string ?? "", address: address, cell: r[6].string ?? "",
                    points: (r[7].string ?? "").split(separator: ";").map(String.init),
                    receivedAt: r[9].double ?? 0, deadline: deadline, hoursLeft: (deadline - end) / 3600,
                    status: r[11].string ?? ""))
        }
        let units = summaries.map { r -> UnitSheet in
            let id = r[0].string ?? ""
            let s = Summary(
                open: r[3].int ?? 0, overdue: r[4].int ?? 0, withinDeadline: r[5].int ?? 0,
                received3d: r[6].int ?? 0, rectified3d: r[7].int ?? 0, rectifiedOnTime3d: r[8].int ?? 0)
            return UnitSheet(unit: id, name: r[1].string ?? "", summary: s, orders: orders[id] ?? [])
        }
        let manual =
            unit != nil
            ? nil
            : try catalog.run(
                "manual_dispatch",
                parameters: [
                    "status": "unrouted", "from": Timestamp.format(start),
                    "to": Timestamp.format(end),
                ], on: store
            ).rows.count
        return DailySheet(
            date: date, dayStart: start, dayEnd: end, units: units, manualDispatch: manual,
            pointNames: Dictionary(district.points.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
            cellNames: Dictionary(district.cells.map { ($0.code, ($0.communityName, $0.streetName)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Hours with one decimal, as printed and as written to CSV.
    package static func hours(_ h: Double) -> String {
        guard h.isFinite else { return "–" }
        // One decimal, rounded half away from zero (as the page's numbers are written).
        let tenths = Int((abs(h) * 10).rounded())
        return (h < 0 && tenths != 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }

    /// `YYYY-MM-DD HH:MM` in China Standard Time.
    package static func minute(_ epoch: Double) -> String {
        let t = Timestamp.format(epoch)  // YYYY-MM-DDTHH:MM:SS+08:00
        return String(t.prefix(10)) + " " + String(t.dropFirst(11).prefix(5))
    }

    /// The CSV form (header in ``SheetParameters``'s discussion), for people: text cells that a
    /// spreadsheet would take for a formula (a citizen's address `=HYPERLINK(…)`) neutralised.
    package func csv(bom: Bool) -> [UInt8] {
        var writer = CSVWriter(bom: bom)
        writer.write(neutralising: [
            "record", "unit", "unit_name", "order_id", "category", "address", "cell", "points", "point_names",
            "received_at", "deadline", "hours_left", "status", "open", "overdue", "within_deadline",
            "received_3d", "rectified_3d", "rectified_on_time_3d",
        ])
        for u in units {
            let s = u.summary
            writer.write(neutralising: [
                "summary", u.unit, u.name, "", "", "", "", "", "", "", "", "", "",
                String(s.open), String(s.overdue), String(s.withinDeadline), String(s.received3d),
                String(s.rectified3d), String(s.rectifiedOnTime3d),
            ])
            for o in u.orders {
                writer.write(neutralising: [
                    "order", u.unit, u.name, o.id, o.category, o.address, o.cell, o.points.joined(separator: ";"),
                    o.points.map { pointNames[$0] ?? $0 }.joined(separator: ";"),
                    Timestamp.format(o.receivedAt), Timestamp.format(o.deadline), Self.hours(o.hoursLeft), o.status,
                    "", "", "", "", "", "",
                ])
            }
        }
        if let manualDispatch {
            writer.write(neutralising: [
                "manual_dispatch", "", "待人工派遣", "", "", "", "", "", "", "", "", "", "",
                String(manualDispatch), "", "", "", "", "",
            ])
        }
        return writer.take()
    }
}
