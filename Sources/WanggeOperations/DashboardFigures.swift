import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

/// What the leaders' screen shows, computed in one pass over the stored orders (one named
/// query for the orders, one for their status history) with the analytics the single-purpose
/// commands use: ``Hotspots/giStar(sites:counts:band:falseDiscoveryRate:permutations:seed:queen:)``,
/// ``EmergingHotSpots``, ``Recurrence``, ``Lights`` and ``UnitKPI``, so every figure means
/// what it means in `hotspots`, `recurrence`, `lights` and `kpi`.
package struct DashboardFigures {
    package struct HotspotRow {
        package var cell: String
        package var count: Int
        /// Orders in the cell's Gi* neighbourhood: every cell within the distance band, itself included.
        package var neighbourhood = 0
        /// Cells in that neighbourhood.
        package var neighbours = 0
        package var z: Double
        package var bin: Int
        /// The emerging hot-spot category (ArcGIS's names), nil when the window has under two steps.
        package var trend: String?
    }

    package struct ReboundRow {
        package var cell: String
        package var orders: Int
        package var repeats: Int
        package var rebounds: Int
        package var reboundRate: Double?
        package var trend: String?
    }

    package struct LeagueRow {
        package var unit: String
        package var name: String
        /// The KPI row of the orders due in the window (nil: none due).
        package var kpi: UnitKPI.Row?
        /// Open orders past their deadline at as-of.
        package var overdue: Int
        /// Open orders at as-of.
        package var open: Int
    }

    /// Per map cell, in the order of the sorted cell codes (the map's).
    package var cells: [CellFigures]
    package var hotspots: [HotspotRow]
    package var rebounds: [ReboundRow]
    /// Inspection points, reddest first.
    package var lights: [Lights.Row]
    /// Every responsible unit, sorted by overdue count (most first), then id.
    package var league: [LeagueRow]
    /// Every category known (rules, the stored orders read) for the control.
    package var categories: [String]
    /// Orders received in the window; open and overdue at as-of.
    package var windowOrders = 0, open = 0, overdue = 0
    /// Orders received in the window without a responsible unit (invalid, outside the grid, no
    /// zone and no street unit): on the manual-dispatch list, 待人工派遣.
    package var manualDispatch = 0
    /// The emerging hot-spot step in days (7 or 1), 0 when no trend could be computed.
    package var trendStepDays = 0
    /// The Gi* distance band in metres.
    package var band = 0.0
    /// Weekly trend of the window (as `trend`): the district, and per unit and inspection point.
    package var trend: TrendParameters.Series?
    package var unitTrends: [String: [WeeklyTrend.Row]] = [:]
    package var pointTrends: [String: [WeeklyTrend.Row]] = [:]

    package static let topCount = 10

    package enum Status: String, Sendable { case received, dispatched, resolved, closed, reopened }
    package struct Change: Sendable { var status: Status; var at: Double }

    /// One stored order, as `dashboard_orders` gives it.
    package struct Order: Sendable {
        package var category: String
        package var received: Double
        package var lon: Double
        package var lat: Double
        package var cell: Int?
        package var unit: String
        package var points: String
        package var deadline: Double
    }

    /// Every stored order with its status changes, as the figures read them.
    package struct StoredOrders: Sendable {
        package var orders: [Order] = []
        package var history: [[Change]] = []
        package var categories: Set<String> = []
    }

    /// Reads every order and status change (a server keeps them until the data changes).
    package static func load(store: WanggeStore, catalog: QueryCatalog, cellRow: [String: Int], sla: [String: Double]) throws -> StoredOrders {
        // The orders in id order (Recurrence breaks ties of reception time by input order, so
        // this is `recurrence`'s order too), and each one's status changes in time order.
        var loaded = StoredOrders()
        var ids: [String] = []
        // Streamed: rows are read straight into the arrays, never materialised as a table.
        try catalog.stream("dashboard_orders", parameters: ["through": "9999-12-31T00:00:00Z", "categories": ""], on: store) { r in
            let category = r[1].string ?? ""
            loaded.categories.insert(category)
            ids.append(r[0].string ?? "")
            let cell = r[5].string ?? "", unit = r[6].string ?? "", received = r[2].double ?? 0
            loaded.orders.append(
                Order(
                    category: category, received: received, lon: r[3].double ?? .nan, lat: r[4].double ?? .nan,
                    cell: cell.isEmpty ? nil : cellRow[cell], unit: unit, points: r[7].string ?? "",
                    deadline: received + 3600 * (sla[unit] ?? 72)))
        }
        loaded.history = [[Change]](repeating: [], count: loaded.orders.count)
        // Merge: both lists are sorted by order id (SQLite's binary collation: UTF-8 byte order).
        var j = 0
        try catalog.stream("dashboard_events", parameters: [:], on: store) { e in
            guard case .text(let id) = e[0], case .text(let text) = e[1], let status = Status(rawValue: text) else { return }
            while j < ids.count, ids[j] != id, ids[j].utf8.lexicographicallyPrecedes(id.utf8) { j += 1 }
            if j < ids.count, ids[j] == id { loaded.history[j].append(Change(status: status, at: e[2].double ?? 0)) }
        }
        return loaded
    }

    /// Every stored order with its history, read once per data version (shared by the page and `trend`).
    /// `cells`: the cell codes, sorted; an order's ``Order/cell`` is its cell's place in them.
    package static func stored(data: DataSource, cells: [String], district: District) throws -> StoredOrders {
        let (store, catalog) = try data.open()
        let cellRow = Dictionary(cells.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let sla = Dictionary(district.units.map { ($0.id, $0.slaHours) }, uniquingKeysWith: { a, _ in a })
        return try data.memoized("dashboard.orders") { try load(store: store, catalog: catalog, cellRow: cellRow, sla: sla) }
    }

    /// `cells`: the cell codes, sorted (the map's order); ``cells`` follows it.
    package static func compute(
        window: DashboardWindow, categories selected: [String], cells: [String],
        data: DataSource, district: District, index: DistrictIndex
    ) throws -> DashboardFigures {
        let cellRow = Dictionary(cells.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let stored = try stored(data: data, cells: cells, district: district)
        // The chosen categories, received at or before the later of the window's end and as-of.
        let through = max(window.to, window.asOf)
        let wanted = Set(selected)
        var orders: [Order] = [], history: [[Change]] = []
        orders.reserveCapacity(stored.orders.count)
        history.reserveCapacity(stored.orders.count)
        for (i, o) in stored.orders.enumerated() where o.received <= through && (wanted.isEmpty || wanted.contains(o.category)) {
            orders.append(o)
            history.append(stored.history[i])
        }
        let seenCategories = Set(district.rules.map(\.category)).union(selected).union(stored.categories)
        /// The status after the changes at or before `t` (`inclusive`) or strictly before it.
        func status(_ i: Int, _ t: Double, inclusive: Bool) -> Status {
            var s = Status.received
            for c in history[i] { if c.at < t || (inclusive && c.at == t) { s = c.status } else { break } }
            return s
        }
        var figures = DashboardFigures(
            cells: [CellFigures](repeating: CellFigures(), count: cells.count), hotspots: [], rebounds: [],
            lights: [], league: [], categories: seenCategories.filter { !$0.isEmpty }.sorted())
        // The window: counts per cell.
        let inWindow = orders.indices.filter { orders[$0].received >= window.from && orders[$0].received < window.to }
        figures.windowOrders = inWindow.count
        figures.manualDispatch = inWindow.filter { orders[$0].unit.isEmpty }.count
        // Recurrence, the longest step, runs on another core meanwhile.
        let recurrenceRun = BackgroundValue { [orders, history] () -> Result<([Int], Recurrence.Result), Error> in
            Result {
                let located = inWindow.filter { orders[$0].lon.isFinite && orders[$0].lat.isFinite }
                var positions = located.map { Coordinate(orders[$0].lon, orders[$0].lat) }
                try MetricProjection().project(&positions)
                let input = zip(located, positions).map { i, m in
                    Recurrence.Order(id: "", category: orders[i].category, received: orders[i].received, x: m.x, y: m.y, areas: [])
                }
                let result = Recurrence.analyse(input, radius: 50, days: 30) { k, t in
                    // Resolved or closed at t: the last change at or before t (changes are time-sorted).
                    var done = false
                    for c in history[located[k]] { if c.at <= t { done = c.status == .resolved || c.status == .closed } else { break } }
                    return done
                }
                return (located, result)
            }
        }
        for i in inWindow { if let c = orders[i].cell { figures.cells[c].orders += 1 } }

        // Gi* of the counts, and the emerging hot-spot trend of each cell.
        let sites = Hotspots.sites(of: index)
        let counts = Dictionary(
            cells.enumerated().compactMap { $1.isEmpty || figures.cells[$0].orders == 0 ? nil : ($1, figures.cells[$0].orders) },
            uniquingKeysWith: +)
        let (giRows, band) = Hotspots.giStar(sites: sites, counts: counts, band: nil, falseDiscoveryRate: false)
        figures.band = band
        for r in giRows { if let c = cellRow[r.cell] { figures.cells[c].z = r.result.z; figures.cells[c].bin = r.result.bin } }
        let trends = emergingTrends(
            rows: giRows, sites: sites, band: band, window: window, orders: inWindow.map { (orders[$0].cell, orders[$0].received) },
            cellRow: cellRow, stepDays: &figures.trendStepDays)
        figures.hotspots = giRows.filter { $0.result.z.isFinite }
            .sorted { ($0.result.z, $1.cell) > ($1.result.z, $0.cell) }
            .prefix(topCount)
            .map { HotspotRow(cell: $0.cell, count: $0.count, z: $0.result.z, bin: $0.result.bin, trend: trends[$0.cell]) }
        // What Gi* rates: the neighbourhood, so each hot spot shows its own count beside its neighbourhood's.
        let siteOf = Dictionary(sites.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        for k in figures.hotspots.indices {
            guard let i = siteOf[figures.hotspots[k].cell] else { continue }
            for s in sites where (s.x - sites[i].x) * (s.x - sites[i].x) + (s.y - sites[i].y) * (s.y - sites[i].y) <= band * band {
                figures.hotspots[k].neighbours += 1
                figures.hotspots[k].neighbourhood += counts[s.code] ?? 0
            }
        }
        // Weekly trends of the window: the district, units (league) and inspection points (亮灯).
        let series = try TrendParameters.series(by: [.district, .unit, .point], from: window.from, to: window.to, categories: selected, data: data)
        figures.trend = series[.district]?.first
        for s in series[.unit] ?? [] { figures.unitTrends[s.code] = s.rows }
        for s in series[.point] ?? [] { figures.pointTrends[s.code] = s.rows }

        // Recurrence: repeats and rebounds within 50 m and 30 days, as `wangge recurrence` by default.
        let (located, recurrence) = try recurrenceRun.value.get()
        var repeats = [Int](repeating: 0, count: cells.count), placed = [Int](repeating: 0, count: cells.count)
        for (k, i) in located.enumerated() {
            guard let c = orders[i].cell else { continue }
            placed[c] += 1
            if recurrence.isRepeat[k] { repeats[c] += 1 }
            if recurrence.isRebound[k] { figures.cells[c].rebounds += 1 }
        }
        figures.rebounds = cells.indices.filter { figures.cells[$0].rebounds > 0 }
            .map { c in
                ReboundRow(
                    cell: cells[c], orders: placed[c], repeats: repeats[c], rebounds: figures.cells[c].rebounds,
                    reboundRate: placed[c] > 0 ? Double(figures.cells[c].rebounds) / Double(placed[c]) : nil,
                    trend: trends[cells[c]])
            }
            .sorted { ($0.rebounds, $0.reboundRate ?? 0, $1.cell) > ($1.rebounds, $1.reboundRate ?? 0, $0.cell) }
            .prefix(topCount).map { $0 }

        // Lights at as-of: inspection points, cells, and the overdue orders of each unit.
        var open: [Lights.OpenOrder] = []
        var cellOverdue = [Int](repeating: 0, count: cells.count), cellOpen = cellOverdue, cellSeen = cellOverdue
        var unitOverdue: [String: Int] = [:], unitOpen: [String: Int] = [:]
        for i in orders.indices where orders[i].received <= window.asOf {
            let o = orders[i]
            if let c = o.cell { cellSeen[c] += 1 }
            guard status(i, window.asOf, inclusive: true) != .closed else { continue }
            let late = o.deadline < window.asOf
            figures.open += 1
            if late { figures.overdue += 1 }
            open.append(Lights.OpenOrder(areas: o.points.split(separator: ";").map(String.init), overdue: late))
            if let c = o.cell { cellOpen[c] += 1; if late { cellOverdue[c] += 1 } }
            if !o.unit.isEmpty { unitOpen[o.unit, default: 0] += 1; if late { unitOverdue[o.unit, default: 0] += 1 } }
        }
        figures.lights = Lights.board(areas: district.points.sorted { $0.id < $1.id }.map { ($0.id, $0.name) }, open: open)
        for c in cells.indices {
            figures.cells[c].light = cellOverdue[c] > 0 ? "red" : cellOpen[c] > 0 ? "yellow" : cellSeen[c] > 0 ? "green" : "grey"
        }

        // The league: KPIs of the orders due in the window, as `wangge kpi --from --to`.
        let names = Dictionary(district.units.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var due: [UnitKPI.DueOrder] = []
        for i in orders.indices where !orders[i].unit.isEmpty && orders[i].deadline >= window.from && orders[i].deadline < window.to {
            let changes = history[i].prefix { $0.at < window.to }  // time-sorted
            due.append(
                UnitKPI.DueOrder(
                    group: orders[i].unit, name: names[orders[i].unit] ?? "", received: orders[i].received,
                    deadline: orders[i].deadline, firstClosed: changes.first { $0.status == .closed }?.at,
                    closedAtEnd: changes.last?.status == .closed,
                    reopened: changes.filter { $0.status == .reopened }.count))
        }
        let kpi = Dictionary(UnitKPI.table(due).map { ($0.group, $0) }, uniquingKeysWith: { a, _ in a })
        figures.league = district.units.map { u in
            LeagueRow(unit: u.id, name: u.name, kpi: kpi[u.id], overdue: unitOverdue[u.id] ?? 0, open: unitOpen[u.id] ?? 0)
        }.sorted { ($1.overdue, $0.unit) < ($0.overdue, $1.unit) }
        return figures
    }

    /// Emerging hot-spot categories per cell code over the window: weekly steps from `from`
    /// when the window holds two weeks or more, else daily; nothing under two steps.
    private static func emergingTrends(
        rows: [Hotspots.GiRow], sites: [Hotspots.Site], band: Double, window: DashboardWindow,
        orders: [(cell: Int?, received: Double)], cellRow: [String: Int], stepDays: inout Int
    ) -> [String: String] {
        let span = window.to - window.from
        let step = span >= 14 * 86_400 ? 7 * 86_400.0 : 86_400.0
        let steps = Int((span / step).rounded(.up))
        guard steps >= 2, steps <= 5_000, !rows.isEmpty else { return [:] }
        stepDays = Int(step / 86_400)
        // The Gi* rows are the usable sites sorted by code: the cube follows them.
        let siteByCode = Dictionary(sites.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let usable = rows.compactMap { siteByCode[$0.cell] }
        var slot = [Int](repeating: -1, count: cellRow.count)
        for (k, s) in usable.enumerated() { if let c = cellRow[s.code] { slot[c] = k } }
        var cube = [[Double]](repeating: [Double](repeating: 0, count: steps), count: usable.count)
        for o in orders {
            guard let c = o.cell, slot[c] >= 0 else { continue }
            let t = Int(((o.received - window.from) / step).rounded(.down))
            if t >= 0 && t < steps { cube[slot[c]][t] += 1 }
        }
        let weights = SpatialWeights.distanceBand(x: usable.map(\.x), y: usable.map(\.y), band: band, includeSelf: true)
        let locations = EmergingHotSpots.analyse(counts: cube, weights: weights, timeLag: 1)
        return Dictionary(zip(usable, locations).map { ($0.code, $1.category) }, uniquingKeysWith: { a, _ in a })
    }

    /// ArcGIS's emerging hot-spot categories as the Chinese edition of ArcGIS Pro names them.
    package static func trendLabel(_ category: String?) -> String {
        guard let category else { return "—" }
        let kinds = [
            "new": "新增", "consecutive": "连续", "intensifying": "加强", "persistent": "持续", "diminishing": "减弱",
            "sporadic": "零星", "oscillating": "振荡", "historical": "历史",
        ]
        if category == "no pattern" { return "无明显模式" }
        let parts = category.split(separator: " ")
        guard parts.count == 3, let kind = kinds[String(parts[0])] else { return category }
        return kind + (parts[1] == "hot" ? "热点" : "冷点")
    }
}
