import Foundation
import WanggeCore
import WanggeOperations

/// `wangge dashboard` and `GET /`: the figures of ``DashboardParameters`` drawn as the page.
extension DashboardParameters: Capability {
    public func report(from data: DataSource) throws -> Report {
        let started = Date()
        let district = try data.district()
        guard !district.cells.isEmpty else { throw OperationError.noCells }
        let map = try DistrictMap.cached(for: try data.index(), cells: district.cells)
        let (figures, window) = try figures(from: data)
        var report = Report(format: "html")
        report.warn(try unknownCategoryWarnings(categories, from: data))
        report.bytes = DashboardPage(
            figures: figures, map: map, window: window, measure: measure, selected: categories,
            given: givenTimes
        ).render()
        report.note(
            "dashboard: \(map.cells.count) cells, \(figures.windowOrders) order(s) in [\(Timestamp.format(window.from)), \(Timestamp.format(window.to))), "
                + "\(figures.open) open and \(figures.overdue) overdue at \(Timestamp.format(window.asOf)); \(report.bytes.count) bytes in \(Int(Date().timeIntervalSince(started) * 1000)) ms"
        )
        return report
    }
}

extension DashboardParameters {
    /// Draws the district's map (projection, street outlines) ahead of the first page: it is
    /// kept while `index` lives, as ``report(from:)`` keeps it.
    public static func prepareMap(for index: DistrictIndex, cells: [Cell]) {
        _ = try? DistrictMap.cached(for: index, cells: cells)
    }
}
