/// Weekly handling figures of one area (district, street, unit, category or inspection point),
/// so a leader sees whether it gets better: per week, the orders received and, of the orders
/// due in that week (deadline inside it, 应结案), how many were closed at the week's end and how
/// many first closed by their deadline — each week is exactly `kpi --from <week> --to <week+7d>`.
///
/// 环比 compares a week with the one before it; 同比 with the same week 52 weeks (364 days,
/// same weekdays) earlier, and only where the data reaches back that far (the earliest stored
/// reception at or before that week's start), so a first year shows no 同比 rather than "+∞ %".
public enum WeeklyTrend {
    /// One order with what the figures need. `changes`: its status changes in time order,
    /// `closed` true for a change to closed.
    public struct Order: Sendable {
        public var received: Double
        public var deadline: Double
        public var changes: [(at: Double, closed: Bool)]
        public init(received: Double, deadline: Double, changes: [(at: Double, closed: Bool)]) {
            self.received = received; self.deadline = deadline; self.changes = changes
        }
    }

    /// The figures of one week [from, to).
    public struct Week: Sendable, Equatable {
        public var from: Double
        public var to: Double
        public var orders = 0
        public var due = 0
        public var closed = 0
        public var closedOnTime = 0
        /// 结案率: closed at the week's end / due (nil: none due).
        public var closureRate: Double? { due > 0 ? Double(closed) / Double(due) : nil }
        /// 按期结案率: first closed by the deadline / due (nil: none due).
        public var onTimeRate: Double? { due > 0 ? Double(closedOnTime) / Double(due) : nil }
    }

    /// A week with its 环比 and 同比 counterparts (nil where there is none to compare with).
    public struct Row: Sendable {
        public var week: Week
        public var previous: Week?
        public var lastYear: Week?
        /// Relative change of the orders received, (this − other) / other; nil when other has none.
        public static func change(_ a: Int, _ b: Int?) -> Double? {
            guard let b, b > 0 else { return nil }
            return Double(a - b) / Double(b)
        }
        public var ordersVsPrevious: Double? { Self.change(week.orders, previous?.orders) }
        public var ordersVsLastYear: Double? { Self.change(week.orders, lastYear?.orders) }
        /// Difference of 按期结案率 in rate points (0.05 = 5 percentage points).
        public var onTimeVsPrevious: Double? { difference(week.onTimeRate, previous?.onTimeRate) }
        public var onTimeVsLastYear: Double? { difference(week.onTimeRate, lastYear?.onTimeRate) }
        private func difference(_ a: Double?, _ b: Double?) -> Double? { if let a, let b { return a - b } else { return nil } }
    }

    public static let week = 7 * 86_400.0
    public static let year = 52 * week

    /// The week boundaries of [from, to): from `from` in steps of 7 days, the last week cut at `to`.
    public static func weeks(from: Double, to: Double) -> [(from: Double, to: Double)] {
        guard to > from else { return [] }
        let n = Int(((to - from) / week).rounded(.up))
        return (0 ..< n).map { k in (from + Double(k) * week, min(to, from + Double(k + 1) * week)) }
    }

    /// Orders sorted by reception, with the longest reception-to-deadline span, so a period's
    /// figures read only the orders received in it or up to that span before it.
    struct Prepared {
        var orders: [Order]
        var span: Double
        init(_ orders: [Order]) {
            self.orders = orders.sorted { $0.received < $1.received }
            span = orders.reduce(0) { max($0, $1.deadline - $1.received) }
        }

        /// The first order received at or after `t`.
        func first(receivedFrom t: Double) -> Int {
            var lo = 0, hi = orders.count
            while lo < hi { let mid = (lo + hi) / 2; if orders[mid].received < t { lo = mid + 1 } else { hi = mid } }
            return lo
        }

        func figures(from: Double, to: Double) -> Week {
            var w = Week(from: from, to: to)
            var i = first(receivedFrom: from - span)
            while i < orders.count, orders[i].received < to {
                let o = orders[i]
                i += 1
                if o.received >= from { w.orders += 1 }
                guard o.deadline >= from && o.deadline < to else { continue }
                w.due += 1
                var last = false, firstClosed: Double?
                for c in o.changes where c.at < to {
                    last = c.closed
                    if c.closed && firstClosed == nil { firstClosed = c.at }
                }
                if last { w.closed += 1 }
                if let firstClosed, firstClosed <= o.deadline { w.closedOnTime += 1 }
            }
            return w
        }
    }

    /// The figures of one period [from, to) of `orders`.
    public static func figures(_ orders: [Order], from: Double, to: Double) -> Week {
        Prepared(orders).figures(from: from, to: to)
    }

    /// One row per week of [from, to), each with the week before it (环比) and, when
    /// `earliest` (the first stored reception) is at or before its start minus 52 weeks, the same
    /// week a year earlier (同比).
    public static func rows(_ orders: [Order], from: Double, to: Double, earliest: Double?) -> [Row] {
        rows(Prepared(orders), from: from, to: to, earliest: earliest)
    }

    static func rows(_ prepared: Prepared, from: Double, to: Double, earliest: Double?) -> [Row] {
        weeks(from: from, to: to).map { w in
            let length = w.to - w.from
            let this = prepared.figures(from: w.from, to: w.to)
            let previous = prepared.figures(from: w.from - week, to: w.from - week + length)
            let reaches = earliest.map { $0 <= w.from - year } ?? false
            let lastYear = reaches ? prepared.figures(from: w.from - year, to: w.from - year + length) : nil
            return Row(week: this, previous: previous, lastYear: lastYear)
        }
    }

    /// The weekly rows and the whole-window total of one area, its orders sorted once.
    public static func series(_ orders: [Order], from: Double, to: Double, earliest: Double?) -> (rows: [Row], total: Row) {
        let prepared = Prepared(orders)
        return (rows(prepared, from: from, to: to, earliest: earliest), total(prepared, from: from, to: to, earliest: earliest))
    }

    /// The whole window [from, to) against the window before it (环比) and the same window 52
    /// weeks earlier (同比, where the data reaches back).
    public static func total(_ orders: [Order], from: Double, to: Double, earliest: Double?) -> Row {
        total(Prepared(orders), from: from, to: to, earliest: earliest)
    }

    static func total(_ prepared: Prepared, from: Double, to: Double, earliest: Double?) -> Row {
        let length = to - from
        let reaches = earliest.map { $0 <= from - year } ?? false
        return Row(
            week: prepared.figures(from: from, to: to), previous: prepared.figures(from: from - length, to: from),
            lastYear: reaches ? prepared.figures(from: from - year, to: to - year) : nil)
    }
}
