import WanggeCore

/// Problems that come back (易反弹).
///
/// - A **repeat** is an order with an earlier order of the same category within `radius`
///   metres and `days` days before it (distance ≤ radius, 0 ≤ Δt ≤ days; the earlier order
///   comes first in time, ties broken by input order).
/// - A **rebound** (反弹) is a repeat with such an earlier order already resolved or closed
///   (its last status change at or before the new order's arrival is `resolved` or `closed`).
/// - A **chain** links each rebound to its latest rebounding predecessor; its length counts
///   the orders in it. The worst chains are the longest.
///
/// Candidate pairs come from a square hash of side `radius` in metres (EPSG:4549), each bucket
/// time-sorted, so the work is about n × (orders nearby within the window), not n².
public enum Recurrence {
    public struct Order: Sendable {
        public var id: String
        public var category: String
        /// Seconds since the epoch.
        public var received: Double
        /// EPSG:4549 metres.
        public var x: Double
        public var y: Double
        /// The areas the order counts for at the chosen level (cell, street, unit, points…).
        public var areas: [String]

        public init(id: String, category: String, received: Double, x: Double, y: Double, areas: [String]) {
            self.id = id; self.category = category; self.received = received; self.x = x; self.y = y; self.areas = areas
        }
    }

    public struct Result: Sendable {
        /// Per order (input order): is it a repeat, a rebound, and its chain's length so far.
        public var isRepeat: [Bool]
        public var isRebound: [Bool]
        public var chainLength: [Int]
        /// The rebounding predecessor of each order in its chain (nil when none).
        public var previousInChain: [Int?]
    }

    /// `resolvedAt(i, t)`: whether order i was resolved or closed at time t.
    public static func analyse(
        _ orders: [Order], radius: Double, days: Double,
        resolvedAt: (Int, Double) -> Bool
    ) -> Result {
        let n = orders.count
        var result = Result(
            isRepeat: Array(repeating: false, count: n), isRebound: Array(repeating: false, count: n),
            chainLength: Array(repeating: 1, count: n), previousInChain: Array(repeating: nil, count: n))
        guard n > 0, radius > 0, days >= 0 else { return result }
        let window = days * 86_400, r2 = radius * radius
        // Process in time order; each bucket holds earlier orders in time order.
        let order = (0 ..< n).sorted { (orders[$0].received, $0) < (orders[$1].received, $1) }
        // Categories as small integers, so the hash never hashes text.
        var categoryIndex: [String: Int32] = [:]
        let category = orders.map { o -> Int32 in
            if let k = categoryIndex[o.category] { return k }
            let k = Int32(categoryIndex.count)
            categoryIndex[o.category] = k
            return k
        }
        struct Key: Hashable { let x: Int64; let y: Int64; let category: Int32 }
        var buckets: [Key: [Int]] = [:]
        func key(_ i: Int, dx: Int64 = 0, dy: Int64 = 0) -> Key {
            Key(x: Int64((orders[i].x / radius).rounded(.down)) + dx, y: Int64((orders[i].y / radius).rounded(.down)) + dy, category: category[i])
        }
        for (step, j) in order.enumerated() {
            if step & 1023 == 0 && Work.isCancelled { break }
            let o = orders[j]
            guard o.x.isFinite, o.y.isFinite else { continue }
            var latestRebound: Int?
            for dy: Int64 in -1 ... 1 {
                for dx: Int64 in -1 ... 1 {
                    guard let list = buckets[key(j, dx: dx, dy: dy)] else { continue }
                    // Walk back from the latest earlier order while inside the time window.
                    var k = list.count - 1
                    while k >= 0 {
                        let i = list[k]
                        if o.received - orders[i].received > window { break }
                        k -= 1
                        let ddx = orders[i].x - o.x, ddy = orders[i].y - o.y
                        guard ddx * ddx + ddy * ddy <= r2 else { continue }
                        result.isRepeat[j] = true
                        if resolvedAt(i, o.received) {
                            result.isRebound[j] = true
                            if latestRebound == nil || (orders[i].received, i) > (orders[latestRebound!].received, latestRebound!) {
                                latestRebound = i
                            }
                        }
                    }
                }
            }
            if let p = latestRebound {
                result.previousInChain[j] = p
                result.chainLength[j] = result.chainLength[p] + 1
            }
            buckets[key(j), default: []].append(j)
        }
        return result
    }

    public struct AreaRow: Sendable, Equatable {
        public var area: String
        public var orders: Int
        public var repeats: Int
        public var rebounds: Int
        public var recurrenceRate: Double?
        public var reboundRate: Double?
    }

    /// Orders, repeats and rebounds per area (every area in `areas` listed, zeros included),
    /// with recurrence rate = repeats / orders and rebound rate = rebounds / orders.
    public static func byArea(_ orders: [Order], _ result: Result, areas: [String]) -> [AreaRow] {
        var counts: [String: (Int, Int, Int)] = Dictionary(uniqueKeysWithValues: areas.map { ($0, (0, 0, 0)) })
        for (j, o) in orders.enumerated() {
            for a in Set(o.areas) {
                var c = counts[a] ?? (0, 0, 0)
                c.0 += 1
                if result.isRepeat[j] { c.1 += 1 }
                if result.isRebound[j] { c.2 += 1 }
                counts[a] = c
            }
        }
        return counts.keys.sorted().map { a in
            let (total, repeats, rebounds) = counts[a]!
            return AreaRow(
                area: a, orders: total, repeats: repeats, rebounds: rebounds,
                recurrenceRate: total > 0 ? Double(repeats) / Double(total) : nil,
                reboundRate: total > 0 ? Double(rebounds) / Double(total) : nil)
        }
    }

    /// The `limit` longest chains, each as order indexes from first to last, longest first
    /// (ties: the chain ending earlier in the input first).
    public static func worstChains(_ result: Result, limit: Int) -> [[Int]] {
        let ends = result.chainLength.indices.filter { result.chainLength[$0] >= 2 }
        // A chain end is an order no later order extends.
        var extended = Set<Int>()
        for p in result.previousInChain { if let p { extended.insert(p) } }
        let tips = ends.filter { !extended.contains($0) }.sorted { (result.chainLength[$0], -$0) > (result.chainLength[$1], -$1) }
        return tips.prefix(limit).map { tip in
            var chain = [tip]
            while let p = result.previousInChain[chain.last!] { chain.append(p) }
            return chain.reversed()
        }
    }
}
