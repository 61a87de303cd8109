/// 亮灯: the light of an inspection point or an area at a moment, from its open orders.
/// red — some open order is past its deadline; yellow — open orders, all within their
/// deadline; green — no open order. The counts behind the colour come with it.
public enum Lights {
    public enum Colour: String, Sendable { case red, yellow, green }

    public struct Row: Sendable, Equatable {
        public var area: String
        public var name: String
        public var colour: Colour
        public var overdue: Int
        public var withinDeadline: Int
    }

    /// One open order: where it is and whether it is past its deadline.
    public struct OpenOrder: Sendable {
        public var areas: [String]
        public var overdue: Bool
        public init(areas: [String], overdue: Bool) { self.areas = areas; self.overdue = overdue }
    }

    /// A light for every area of `areas` (code, name), reddest first: red before yellow before
    /// green, then by overdue count, open count, and code.
    public static func board(areas: [(code: String, name: String)], open: [OpenOrder]) -> [Row] {
        var overdue: [String: Int] = [:], within: [String: Int] = [:]
        for o in open { for a in Set(o.areas) { if o.overdue { overdue[a, default: 0] += 1 } else { within[a, default: 0] += 1 } } }
        let rows = areas.map { a -> Row in
            let late = overdue[a.code] ?? 0, onTime = within[a.code] ?? 0
            return Row(area: a.code, name: a.name, colour: late > 0 ? .red : onTime > 0 ? .yellow : .green, overdue: late, withinDeadline: onTime)
        }
        func rank(_ c: Colour) -> Int { c == .red ? 0 : c == .yellow ? 1 : 2 }
        return rows.sorted {
            (rank($0.colour), -$0.overdue, -($0.overdue + $0.withinDeadline), $0.area)
                < (rank($1.colour), -$1.overdue, -($1.overdue + $1.withinDeadline), $1.area)
        }
    }
}
