import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

/// `wangge dashboard` (`GET /`): the leaders' screen (领导驾驶舱) as one self-contained HTML page.
/// The figures are computed here; the page (and the conformance to ``Capability``) is WanggePages'.
public struct DashboardParameters: ParsableArguments, Sendable {
    public init() {}

    @OptionGroup public var source: QuerySource

    @Option(help: "Start of the window (ISO 8601; default: 30 days before --to).")
    public var from: String?

    @Option(help: "End of the window, exclusive (ISO 8601; default: the end of the as-of day).")
    public var to: String?

    @Option(help: "Only orders of this category (repeatable).")
    public var category: [String] = []

    @Option(help: "What colours the map: count, gi, rebounds or lights.")
    public var measure: MapMeasure = .count

    @Option(name: .customLong("as-of"), help: "The moment of the lights (ISO 8601; default: --to, else the last recorded moment).")
    public var asOf: String?

    /// An empty value (an empty form field) counts as not given.
    private static func given(_ s: String?) -> String? { s.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

    package var categories: [String] { category.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }

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

    /// The window and the as-of moment, defaults filled in. `lastRecorded`: the store's last recorded moment.
    func window(lastRecorded: Double?) -> DashboardWindow {
        let to = Self.given(to).flatMap(Timestamp.parse)
        let asOf = Self.given(asOf).flatMap(Timestamp.parse) ?? to ?? lastRecorded ?? Date().timeIntervalSince1970
        let end = to ?? Timestamp.dayStart(asOf) + 86_400
        var start = Self.given(from).flatMap(Timestamp.parse) ?? end - 30 * 86_400
        if start >= end { start = end - 86_400 }
        return DashboardWindow(from: start, to: end, asOf: asOf)
    }

    /// The time options as given (nil: defaulted), to refill the page's form.
    package var givenTimes: (from: String?, to: String?, asOf: String?) { (Self.given(from), Self.given(to), Self.given(asOf)) }

    /// The page's figures and time frame, per cell in the order of the sorted cell codes (the map's).
    package func figures(from data: DataSource) throws -> (figures: DashboardFigures, window: DashboardWindow) {
        let (store, catalog) = try data.open()
        let district = try data.district()
        guard !district.cells.isEmpty else { throw OperationError.noCells }
        let index = try data.index()
        let last = try catalog.run("latest_activity", parameters: [:], on: store).rows.first?.first?.double
        let window = window(lastRecorded: last)
        // The page's trend and hot spots grow with the window: at most five years, as `trend`.
        guard window.to - window.from <= 5 * 366 * 86_400 else {
            throw CostLimitExceeded(
                parameter: "from", limit: "to − from ≤ 5 years",
                message: "the window from --from to --to spans more than five years; narrow it")
        }
        let figures = try DashboardFigures.compute(
            window: window, categories: categories, cells: district.cells.map(\.code).sorted(),
            data: data, district: district, index: index)
        return (figures, window)
    }
}
