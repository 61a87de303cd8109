import WanggeCore

/// The Knox near-repeat test, as Ratcliffe's Near Repeat Calculator runs it: every pair of
/// events closer than the spatial bands' end is counted in a table of distance band × time band
/// (half-open bands from 0: [0, b), [b, 2b), … in metres; [0, t), [t, 2t), … in days, on the
/// absolute time difference). The expected counts come from permuting the event times among
/// the events (the places stay), `permutations` times:
///
///     expected = mean of the permuted counts;  Knox ratio = observed / expected;
///     p = (number of permutations with a count ≥ observed + 1) / (permutations + 1).
///
/// Pairs are found once through a square hash of side = the last distance band's end; each
/// permutation only re-bins their time differences.
public enum NearRepeat {
    public struct Cell: Sendable, Equatable {
        public var distanceFrom: Double, distanceTo: Double
        public var daysFrom: Double, daysTo: Double
        public var observed: Int
        public var expected: Double
        public var knoxRatio: Double?
        public var p: Double
    }

    public static func knox(
        x: [Double], y: [Double], days: [Double], distanceBand: Double, distanceBands: Int,
        timeBand: Double, timeBands: Int, permutations: Int, seed: UInt64
    ) -> [Cell] {
        let n = x.count
        precondition(y.count == n && days.count == n && distanceBand > 0 && timeBand > 0 && distanceBands > 0 && timeBands > 0)
        let reach = distanceBand * Double(distanceBands)
        // Pairs (i < j) within reach, with their distance band.
        var buckets: [SIMD2<Int64>: [Int]] = [:]
        func key(_ i: Int) -> SIMD2<Int64> { SIMD2(Int64((x[i] / reach).rounded(.down)), Int64((y[i] / reach).rounded(.down))) }
        for i in 0 ..< n where x[i].isFinite && y[i].isFinite { buckets[key(i), default: []].append(i) }
        var pairs: [(i: Int32, j: Int32, band: Int32)] = []
        for i in 0 ..< n where x[i].isFinite && y[i].isFinite {
            if i & 1023 == 0 && Work.isCancelled { return [] }
            let k = key(i)
            for dy: Int64 in -1 ... 1 {
                for dx: Int64 in -1 ... 1 {
                    for j in buckets[SIMD2(k.x + dx, k.y + dy)] ?? [] where j > i {
                        let d = ((x[j] - x[i]) * (x[j] - x[i]) + (y[j] - y[i]) * (y[j] - y[i])).squareRoot()
                        if d < reach { pairs.append((Int32(i), Int32(j), Int32(min(distanceBands - 1, Int(d / distanceBand))))) }
                    }
                }
            }
        }
        func table(_ t: [Double]) -> [Int] {
            var counts = [Int](repeating: 0, count: distanceBands * timeBands)
            for p in pairs {
                let gap = abs(t[Int(p.j)] - t[Int(p.i)])
                let band = Int(gap / timeBand)
                if band < timeBands { counts[Int(p.band) * timeBands + band] += 1 }
            }
            return counts
        }
        let observed = table(days)
        var sums = [Double](repeating: 0, count: observed.count)
        var atLeast = [Int](repeating: 0, count: observed.count)
        var random = SplitMix64(seed: seed)
        var shuffled = days
        for _ in 0 ..< permutations {
            // The server's deadline: stop early (the caller discards the table).
            if Work.isCancelled { break }
            if n > 1 { for k in stride(from: n - 1, to: 0, by: -1) { shuffled.swapAt(k, Int(random.next() % UInt64(k + 1))) } }
            let counts = table(shuffled)
            for c in counts.indices {
                sums[c] += Double(counts[c])
                if counts[c] >= observed[c] { atLeast[c] += 1 }
            }
        }
        return (0 ..< distanceBands).flatMap { d in
            (0 ..< timeBands).map { t in
                let c = d * timeBands + t
                let expected = permutations > 0 ? sums[c] / Double(permutations) : 0
                return Cell(
                    distanceFrom: Double(d) * distanceBand, distanceTo: Double(d + 1) * distanceBand,
                    daysFrom: Double(t) * timeBand, daysTo: Double(t + 1) * timeBand, observed: observed[c], expected: expected,
                    knoxRatio: expected > 0 ? Double(observed[c]) / expected : nil,
                    p: Double(atLeast[c] + 1) / Double(permutations + 1))
            }
        }
    }
}
