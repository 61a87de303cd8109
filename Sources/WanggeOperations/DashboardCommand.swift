import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

extension MapMeasure: ExpressibleByArgument {}

/// `wangge dashboard` (`GET /`): the leaders' screen (领导驾驶舱) as one self-contained HTML page.
public struct DashboardCommand: ParsableCommand, Operation {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The leaders' screen: district map, 亮灯 board, hot spots, rebounds and the unit league, as one HTML page.",
        discussion: """
            Time frame (every time ISO 8601; without a zone, +08:00):
              --as-of   the moment of the lights and overdue counts; default: --to when
                        given, else the store's last recorded moment (latest order
                        reception or status change).
              --to      end of the window (exclusive); default: 00:00 +08:00 after the
                        as-of day.
              --from    start of the window; default: 30 days before --to.
            --category (repeatable) limits every figure to those categories.

            Map (--measure): count = orders received in the window per cell; gi = the Gi* bin of those counts (as hotspots --method gi: distance band, the smallest giving every cell a neighbour; ArcGIS's hot/cold colours); rebounds = rebounds (反弹, as recurrence: 50 m, 30 days) per cell; lights = the cell's light at --as-of (grey: no order received by then).

            Projection: EPSG:4549 metres, one SVG unit a metre, north up (see DistrictMap.swift).

            Hot spots: the 10 cells with the highest Gi* z; rebounds: the 10 cells with the most rebounds; trend: emerging hot-spot category of the cell's order counts over the window (weekly steps from --from, daily when the window is under 14 days).

            亮灯: inspection points at --as-of as `lights --level point`, reddest first.

            League: every unit; 结案率, 按期结案率, 返工率 of the orders due in the window (as `kpi`), and the orders open past their deadline at --as-of.

            Trend: the window's weeks as `trend` (district chart, sparklines of units' 按期结案率 and points' weekly orders). Clicking a cell, unit or inspection point opens its orders in the window as a page: /v1/orders?format=html&cell=CODE&from=…&to=…[&category=…].
            """)

    @OptionGroup var source: QuerySource

    @Option(help: "Start of the window (ISO 8601; default: 30 days before --to).")
    var from: String?

    @Option(help: "End of the window, exclusive (ISO 8601; default: the end of the as-of day).")
    var to: String?

    @Option(help: "Only orders of this category (repeatable).")
    var category: [String] = []

    @Option(help: "What colours the map: count, gi, rebounds or lights.")
    var measure: MapMeasure = .count

    @Option(name: .customLong("as-of"), help: "The moment of the lights (ISO 8601; default: --to, else the last recorded moment).")
    var asOf: String?

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    /// An empty value (an empty form field) counts as not given.
    private static func given(_ s: String?) -> String? { s.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

    var categories: [String] { category.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }

    public func validate() throws {
        for (name, value) in [("from", from), ("to", to), ("as-of", asOf)] {
            if let v = Self.given(value), Timestamp.parse(v) == nil {
                throw ValidationError("--\(name) \"\(v)\" is not a time; expected \(Timestamp.forms), or a date")
            }
        }
        if let f = Self.given(from).flatMap(Timestamp.parse), let t = Self.given(to).flatMap(Timestamp.parse), f >= t {
            throw ValidationError("--from must be earlier than --to")
        }
    }

    public func run() throws { try deliver(self, from: source.data(), to: output) }

    /// Draws the district's map (projection, street outlines) ahead of the first page: it is
    /// kept while `index` lives, as ``report(from:)`` keeps it.
    public static func prepareMap(for index: DistrictIndex, cells: [Cell]) {
        _ = try? DistrictMap.cached(for: index, cells: cells)
    }

    /// The window and the as-of moment, defaults filled in. `lastRecorded`: the store's last recorded moment.
    func window(lastRecorded: Double?) -> DashboardWindow {
        let to = Self.given(to).flatMap(Timestamp.parse)
        let asOf = Self.given(asOf).flatMap(Timestamp.parse) ?? to ?? lastRecorded ?? Date().timeIntervalSince1970
        let end = to ?? Timestamp.dayStart(asOf) + 86_400
        var start = Self.given(from).flatMap(Timestamp.parse) ?? end - 30 * 86_400
        if start >= end { start = end - 86_400 }
        return DashboardWindow(from: start, to: end, asOf: asOf)
    }

    public func report(from data: DataSource) throws -> Report {
        let started = Date()
        let (store, catalog) = try data.open()
        let district = try data.district()
        guard !district.cells.isEmpty else { throw OperationError("the database has no cells; import the cells layer first") }
        let index = try data.index()
        let map = try DistrictMap.cached(for: index, cells: district.cells)
        let last = try catalog.run("latest_activity", parameters: [:], on: store).rows.first?.first?.double
        let window = window(lastRecorded: last)
        // The page's trend and hot spots grow with the window: at most five years, as `trend`.
        guard window.to - window.from <= 5 * 366 * 86_400 else {
            throw CostLimitExceeded(parameter: "from", limit: "to − from ≤ 5 years",
                                    message: "the window from --from to --to spans more than five years; narrow it")
        }
        let figures = try DashboardFigures.compute(window: window, categories: categories, map: map, data: data,
                                                   district: district, index: index)
        var report = Report(format: "html")
        report.warn(try unknownCategoryWarnings(categories, from: data))
        report.bytes = DashboardPage(figures: figures, map: map, window: window, measure: measure, selected: categories,
                                     given: (Self.given(from), Self.given(to), Self.given(asOf))).render()
        report.note("dashboard: \(map.cells.count) cells, \(figures.windowOrders) order(s) in [\(Timestamp.format(window.from)), \(Timestamp.format(window.to))), "
                    + "\(figures.open) open and \(figures.overdue) overdue at \(Timestamp.format(window.asOf)); \(report.bytes.count) bytes in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        return report
    }
}
