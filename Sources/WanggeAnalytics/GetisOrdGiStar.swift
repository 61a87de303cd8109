import Foundation
import WanggeCore

/// Getis-Ord Gi* local statistic (Ord & Getis 1995), as ArcGIS "Hot Spot Analysis" and PySAL
/// `esda.G_Local(star=True)` compute it, with the site itself among its neighbours:
///
///     Gi* = (Σⱼ wᵢⱼ xⱼ − X̄ Σⱼ wᵢⱼ) / ( S √[(n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²) / (n − 1)] )
///     X̄ = Σⱼ xⱼ / n,   S = √(Σⱼ xⱼ² / n − X̄²)        (j runs over all n sites, i included)
///
/// Gi* is itself a z-score. `p` is two-sided under the standard normal, 2·(1 − Φ(|z|)).
/// `bin` is ArcGIS's Gi_Bin: ±3, ±2, ±1 for 99, 95, 90 % confidence (p < 0.01, 0.05, 0.10),
/// signed by z; 0 otherwise. With `falseDiscoveryRate`, the bins use the Benjamini–Hochberg
/// cut-off for each confidence level instead (z and p stay raw, as in ArcGIS).
public enum GetisOrdGiStar {
    public struct Result: Sendable, Equatable {
        public var z: Double
        public var p: Double
        public var bin: Int
    }

    /// Gi* for every site. Sites with no variance in the data (S = 0) or a degenerate
    /// denominator get z = 0, p = 1, bin 0.
    public static func compute(values: [Double], weights: SpatialWeights, falseDiscoveryRate: Bool = false) -> [Result] {
        let n = values.count
        precondition(weights.count == n, "one weight row per value")
        guard n > 1 else { return values.map { _ in Result(z: 0, p: 1, bin: 0) } }
        let mean = values.reduce(0, +) / Double(n)
        let s = max(0, values.reduce(0) { $0 + $1 * $1 } / Double(n) - mean * mean).squareRoot()
        var results: [Result] = []
        results.reserveCapacity(n)
        for i in 0 ..< n {
            var weighted = 0.0, w = 0.0, w2 = 0.0
            for j in weights.neighbours(of: i) { weighted += values[j]; w += 1; w2 += 1 }
            let spread = (Double(n) * w2 - w * w) / Double(n - 1)
            guard s > 0, spread > 0 else { results.append(Result(z: 0, p: 1, bin: 0)); continue }
            let z = (weighted - mean * w) / (s * spread.squareRoot())
            let p = twoSidedNormalP(z)
            results.append(Result(z: z, p: p, bin: bin(z: z, p: p, cutoffs: (0.01, 0.05, 0.10))))
        }
        if falseDiscoveryRate {
            let cutoffs = (
                benjaminiHochberg(results.map(\.p), alpha: 0.01),
                benjaminiHochberg(results.map(\.p), alpha: 0.05),
                benjaminiHochberg(results.map(\.p), alpha: 0.10)
            )
            for i in results.indices { results[i].bin = bin(z: results[i].z, p: results[i].p, cutoffs: cutoffs, inclusive: true) }
        }
        return results
    }

    static func bin(z: Double, p: Double, cutoffs: (Double, Double, Double), inclusive: Bool = false) -> Int {
        let sign = z < 0 ? -1 : 1
        func passes(_ c: Double) -> Bool { inclusive ? p <= c : p < c }
        if passes(cutoffs.0) { return 3 * sign }
        if passes(cutoffs.1) { return 2 * sign }
        if passes(cutoffs.2) { return sign }
        return 0
    }

    /// The Benjamini–Hochberg cut-off: the largest sorted p(k) with p(k) ≤ k·α/m; p-values at
    /// or below it are significant. -1 (none significant) when no p qualifies.
    public static func benjaminiHochberg(_ pValues: [Double], alpha: Double) -> Double {
        let sorted = pValues.sorted()
        let m = Double(sorted.count)
        var cutoff = -1.0
        for (k, p) in sorted.enumerated() where p <= Double(k + 1) * alpha / m { cutoff = p }
        return cutoff
    }

    /// 2·(1 − Φ(|z|)) = erfc(|z| / √2).
    public static func twoSidedNormalP(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// Conditional-randomisation pseudo p-values, as esda computes `p_sim`: for each site, its
    /// own value is held and its other |Nᵢ| − 1 neighbours' values are drawn at random, without
    /// replacement, from the other n − 1 sites, `permutations` times. With `larger` the number
    /// of draws whose neighbourhood sum is ≥ the observed one, folded to the nearer tail
    /// (`larger = min(larger, permutations − larger)`), p_sim = (larger + 1) / (permutations + 1).
    /// (Gi* is increasing in the neighbourhood sum for a fixed site, so sums compare as Gi* does.)
    /// Draws come from SplitMix64 seeded by `seed` and the site index, so results do not depend
    /// on thread count or order.
    public static func pseudoPValues(values: [Double], weights: SpatialWeights, permutations: Int, seed: UInt64) -> [Double] {
        let n = values.count
        guard n > 1, permutations > 0 else { return Array(repeating: 1, count: n) }
        var result = [Double](repeating: 1, count: n)
        var pool = [Int](repeating: 0, count: n)
        for i in 0 ..< n {
            // The server's deadline: stop early (the caller discards the values).
            if i & 15 == 0 && Work.isCancelled { break }
            let neighbours = weights.neighbours(of: i)
            let observed = neighbours.reduce(0.0) { $0 + values[$1] }
            let draws = min(n - 1, neighbours.count - (neighbours.contains(i) ? 1 : 0))
            let own = neighbours.contains(i) ? values[i] : 0
            var random = SplitMix64(seed: seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
            // The other sites, i excluded, for partial Fisher–Yates shuffles.
            for k in 0 ..< n - 1 { pool[k] = k < i ? k : k + 1 }
            var larger = 0
            for _ in 0 ..< permutations {
                var sum = own
                for d in 0 ..< draws {
                    let pick = d + Int(random.next() % UInt64(n - 1 - d))
                    pool.swapAt(d, pick)
                    sum += values[pool[d]]
                }
                if sum >= observed { larger += 1 }
            }
            if permutations - larger < larger { larger = permutations - larger }
            result[i] = Double(larger + 1) / Double(permutations + 1)
        }
        return result
    }
}
