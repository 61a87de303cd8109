/// Handling KPIs per responsible unit or street over a period, after the 数字城管 evaluation
/// rules, with the orders due to be closed in the period (应结案数: deadline in the period) as
/// the denominator:
///
///     结案率     = closed / due            (closed at the end of the period)
///     按期结案率 = closed by deadline / due (first closure no later than the deadline)
///     返工率     = reopened / closed       (closed orders reopened at least once)
///     延期率     = late / due              (first closed after the deadline, or still open past it;
///                                           Wangge records no extension requests, so every
///                                           order past its deadline counts as 延期)
///
/// Hours to close are from reception to first closure, over the due orders closed by then;
/// the median and the 90th percentile use the nearest-rank method.
public enum UnitKPI {
    /// One order due in the period.
    public struct DueOrder: Sendable {
        public var group: String
        public var name: String
        public var received: Double
        public var deadline: Double
        public var firstClosed: Double?
        public var closedAtEnd: Bool
        public var reopened: Int

        public init(group: String, name: String, received: Double, deadline: Double, firstClosed: Double?, closedAtEnd: Bool, reopened: Int) {
            self.group = group; self.name = name; self.received = received; self.deadline = deadline
            self.firstClosed = firstClosed; self.closedAtEnd = closedAtEnd; self.reopened = reopened
        }
    }

    public struct Row: Sendable, Equatable {
        public var group: String
        public var name: String
        public var due: Int
        public var closed: Int
        public var closedOnTime: Int
        public var reopened: Int
        public var late: Int
        public var closureRate: Double?
        public var onTimeRate: Double?
        public var reworkRate: Double?
        public var lateRate: Double?
        public var medianHoursToClose: Double?
        public var p90HoursToClose: Double?
    }

    /// KPIs per group (unit id or street code), sorted by group.
    public static func table(_ orders: [DueOrder]) -> [Row] {
        var groups: [String: [DueOrder]] = [:]
        for o in orders { groups[o.group, default: []].append(o) }
        return groups.keys.sorted().map { key in
            let list = groups[key]!
            let closed = list.filter(\.closedAtEnd)
            let onTime = list.filter { o in o.firstClosed.map { $0 <= o.deadline } ?? false }.count
            let reopened = closed.filter { $0.reopened > 0 }.count
            let late = list.filter { o in o.firstClosed.map { $0 > o.deadline } ?? true }.count
            let hours = list.compactMap { o in o.firstClosed.map { ($0 - o.received) / 3600 } }.sorted()
            func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
            func rank(_ q: Double) -> Double? {
                guard !hours.isEmpty else { return nil }
                return hours[max(0, Int((q * Double(hours.count)).rounded(.up)) - 1)]
            }
            return Row(
                group: key, name: list[0].name, due: list.count, closed: closed.count, closedOnTime: onTime,
                reopened: reopened, late: late, closureRate: ratio(closed.count, list.count),
                onTimeRate: ratio(onTime, list.count), reworkRate: ratio(reopened, closed.count),
                lateRate: ratio(late, list.count), medianHoursToClose: rank(0.5), p90HoursToClose: rank(0.9))
        }
    }
}
