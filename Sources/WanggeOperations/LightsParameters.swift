import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

public struct LightsParameters: ParsableArguments, Capability {
    public init() {}

    public enum Level: String, ExpressibleByArgument, CaseIterable, Sendable { case point, cell, community, street }
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json }

    @OptionGroup public var source: QuerySource

    @Option(name: .customLong("as-of"), help: "The moment (ISO 8601).")
    public var asOf: String

    @Option(help: "point, cell, community or street.")
    public var level: Level = .point

    @Option(help: "csv or json.")
    public var format: Format = .csv

    @OptionGroup public var byteOrderMark: ExcelBOMOption

    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        guard Timestamp.parse(asOf) != nil else { throw ValidationError("--as-of \"\(asOf)\" is not a time; expected \(Timestamp.forms)") }
    }

    public func report(from data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        report.filename = Report.filename(["lights", level.rawValue, asOf])
        let areas: [(code: String, name: String)]
        let open: [Lights.OpenOrder]
        let (store, catalog) = try data.open()
        let district = try data.district()
        switch level {
        case .point: areas = district.points.sorted { $0.id < $1.id }.map { ($0.id, $0.name) }
        case .cell: areas = district.cells.sorted { $0.code < $1.code }.map { ($0.code, $0.name) }
        case .community, .street:
            var names: [String: String] = [:]
            for c in district.cells {
                if level == .community { names[c.communityCode] = c.communityName } else { names[c.streetCode] = c.streetName }
            }
            areas = names.keys.sorted().map { ($0, names[$0]!) }
        }
        let rows = try catalog.run("open_orders_at", parameters: ["as_of": asOf], on: store).rows
        open = rows.map { row in
            let cell = row[1].string ?? ""
            let places: [String]
            switch level {
            case .point: places = (row[2].string ?? "").split(separator: ";").map(String.init)
            case .cell: places = cell.isEmpty ? [] : [cell]
            case .community: places = cell.isEmpty ? [] : [CellCode(cell).community]
            case .street: places = cell.isEmpty ? [] : [CellCode(cell).street]
            }
            return Lights.OpenOrder(areas: places, overdue: (row[6].int ?? 0) != 0)
        }
        let board = Lights.board(areas: areas, open: open)
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: [level.rawValue, "name", "light", "overdue", "open_within_deadline"])
            for r in board { writer.write(neutralising: [r.area, r.name, r.colour.rawValue, String(r.overdue), String(r.withinDeadline)]) }
            report.bytes = (writer.take())
        case .json:
            let rows = board.map {
                JSONValue.object([
                    level.rawValue: .string($0.area), "name": .string($0.name), "light": .string($0.colour.rawValue),
                    "overdue": .number(Double($0.overdue)), "open_within_deadline": .number(Double($0.withinDeadline)),
                ])
            }
            report.bytes =
                (Array((JSONValue.object(["as_of": .string(asOf), "level": .string(level.rawValue), "lights": .array(rows)]).jsonText + "\n").utf8))
        }
        let count = { (c: Lights.Colour) in board.filter { $0.colour == c }.count }
        report.note(
            "\(board.count) \(level.rawValue)(s) at \(asOf): \(count(.red)) red, \(count(.yellow)) yellow, \(count(.green)) green; \(open.count) open order(s)"
        )
        return report
    }
}
