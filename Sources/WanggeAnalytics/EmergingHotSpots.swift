import Foundation
import WanggeCore

/// Emerging hot spots: Gi* in a space-time cube, a Mann–Kendall trend per location, and the
/// ArcGIS "Emerging Hot Spot Analysis" categories. The definitions pinned here:
///
/// - **Cube.** x[i][t] is the order count of cell i in time step t (t = 0 … T−1). The
///   neighbours of bin (i, t) are the cells within the distance band of i (i included) in
///   steps t − lag … t (`timeLag` earlier steps and the current one; earlier than step 0 is
///   absent). Gi* is the formula of ``GetisOrdGiStar`` over all n = cells × steps bins, with
///   X̄ and S taken over the whole cube.
/// - **Significant.** A bin is a hot (cold) spot when its two-sided p < 0.10 and z > 0 (< 0).
/// - **Trend.** Mann–Kendall on each location's Gi* z series: S = Σ_{s<t} sign(z_t − z_s),
///   Var(S) = [T(T−1)(2T+5) − Σ_ties g(g−1)(2g+5)] / 18, Z = (S − 1)/√Var for S > 0,
///   (S + 1)/√Var for S < 0, 0 otherwise; significant when its two-sided p < 0.10.
/// - **Categories** (hot; cold mirror them with hot ↔ cold and up ↔ down), "90 %" meaning
///   at least 90 % of the steps:
///   - new: hot in the final step only;
///   - consecutive: hot in an unbroken run of ≥ 2 steps ending in the final step, never hot
///     before the run, hot in < 90 % of the steps;
///   - intensifying / persistent / diminishing: hot in ≥ 90 % of the steps including the final
///     one, with a significant upward trend / no significant trend / a significant downward trend;
///   - sporadic: hot in the final step, hot in < 90 % of the steps, never cold, not one of the above;
///   - oscillating: hot in the final step, hot in < 90 % of the steps, cold in some earlier step;
///   - historical: not hot in the final step, hot in ≥ 90 % of the other steps
///     (ArcGIS: "at least ninety percent of the time-step intervals");
///   - no pattern: none of these.
public enum EmergingHotSpots {
    public struct Location: Sendable, Equatable {
        public var category: String
        public var trendZ: Double
        public var trendP: Double
        public var hotSteps: Int
        public var coldSteps: Int
        public var finalZ: Double
    }

    /// `counts[i][t]`: cell i, step t. `weights`: spatial neighbours (self included).
    public static func analyse(counts: [[Double]], weights: SpatialWeights, timeLag: Int) -> [Location] {
        let cells = counts.count
        guard cells > 0, let steps = counts.first?.count, steps > 0 else { return [] }
        let n = Double(cells * steps)
        var total = 0.0, squares = 0.0
        for row in counts { for v in row { total += v; squares += v * v } }
        let mean = total / n
        let s = max(0, squares / n - mean * mean).squareRoot()
        // Spatial lag sums per step, then windows of lag + 1 steps.
        var z = [[Double]](repeating: [Double](repeating: 0, count: steps), count: cells)
        for i in 0 ..< cells {
            if i & 63 == 0 && Work.isCancelled { break }
            let neighbours = weights.neighbours(of: i)
            var spatial = [Double](repeating: 0, count: steps)
            for j in neighbours { for t in 0 ..< steps { spatial[t] += counts[j][t] } }
            for t in 0 ..< steps {
                let first = max(0, t - timeLag)
                var sum = 0.0
                for u in first ... t { sum += spatial[u] }
                let w = Double(neighbours.count * (t - first + 1))
                let spread = (n * w - w * w) / (n - 1)
                z[i][t] = s > 0 && spread > 0 ? (sum - mean * w) / (s * spread.squareRoot()) : 0
            }
        }
        return z.map { classify($0) }
    }

    /// Mann–Kendall S, its tie-corrected variance, Z and two-sided p.
    public static func mannKendall(_ series: [Double]) -> (s: Int, variance: Double, z: Double, p: Double) {
        let t = series.count
        var s = 0
        for a in 0 ..< t {
            for b in (a + 1) ..< t {
                s += series[b] > series[a] ? 1 : (series[b] < series[a] ? -1 : 0)
            }
        }
        var groups: [Double: Int] = [:]
        for v in series { groups[v, default: 0] += 1 }
        let ties = groups.values.reduce(0.0) { $0 + Double($1 * ($1 - 1) * (2 * $1 + 5)) }
        let variance = (Double(t * (t - 1) * (2 * t + 5)) - ties) / 18
        guard variance > 0 else { return (s, variance, 0, 1) }
        let z = s > 0 ? Double(s - 1) / variance.squareRoot() : s < 0 ? Double(s + 1) / variance.squareRoot() : 0
        return (s, variance, z, GetisOrdGiStar.twoSidedNormalP(z))
    }

    static func classify(_ z: [Double]) -> Location {
        let steps = z.count
        let hot = z.map { $0 > 0 && GetisOrdGiStar.twoSidedNormalP($0) < 0.10 }
        let cold = z.map { $0 < 0 && GetisOrdGiStar.twoSidedNormalP($0) < 0.10 }
        let trend = mannKendall(z)
        let trendSignificant = trend.p < 0.10
        func category(_ hot: [Bool], _ cold: [Bool], up: Bool, down: Bool) -> String? {
            let hotCount = hot.filter { $0 }.count
            let mostly = Double(hotCount) >= 0.9 * Double(steps)
            guard hot[steps - 1] else {
                let earlier = hot.dropLast().filter { $0 }.count
                return steps > 1 && Double(earlier) >= 0.9 * Double(steps - 1) ? "historical" : nil
            }
            if hotCount == 1 { return "new" }
            if mostly { return up ? "intensifying" : down ? "diminishing" : "persistent" }
            var run = 0
            while run < steps && hot[steps - 1 - run] { run += 1 }
            if run >= 2 && run == hotCount { return "consecutive" }
            if cold.contains(true) { return "oscillating" }
            return "sporadic"
        }
        let up = trendSignificant && trend.z > 0, down = trendSignificant && trend.z < 0
        let name: String
        if let c = category(hot, cold, up: up, down: down) {
            name = c + " hot spot"
        } else if let c = category(cold, hot, up: down, down: up) {
            name = c + " cold spot"
        } else {
            name = "no pattern"
        }
        return Location(
            category: name, trendZ: trend.z, trendP: trend.p, hotSteps: hot.filter { $0 }.count,
            coldSteps: cold.filter { $0 }.count, finalZ: z[steps - 1])
    }
}
