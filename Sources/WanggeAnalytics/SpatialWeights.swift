import WanggeCore

/// Sparse spatial weights between n sites: for each site, its neighbours and their weights.
///
/// Only binary weights are built here (1 for a neighbour, 0 otherwise), as ArcGIS "Hot Spot
/// Analysis" and PySAL `DistanceBand(binary=True)` use them. Whether a site is its own
/// neighbour is the caller's choice: Gi* includes it (`includeSelf: true`).
public struct SpatialWeights: Sendable {
    /// Site i's neighbours are `neighbours[start[i] ..< start[i + 1]]`, ascending.
    public let start: [Int]
    public let neighbours: [Int]

    public var count: Int { start.count - 1 }

    public init(start: [Int], neighbours: [Int]) {
        self.start = start
        self.neighbours = neighbours
    }

    /// Weights from neighbour lists (for instance queen contiguity), optionally with each site
    /// its own neighbour.
    public init(neighbourLists: [[Int]], includeSelf: Bool) {
        var start = [0], neighbours: [Int] = []
        for (i, list) in neighbourLists.enumerated() {
            neighbours += (includeSelf ? list + [i] : list.filter { $0 != i }).sorted()
            start.append(neighbours.count)
        }
        self.init(start: start, neighbours: neighbours)
    }

    /// The neighbours of site `i`.
    public func neighbours(of i: Int) -> ArraySlice<Int> { neighbours[start[i] ..< start[i + 1]] }

    /// Distance-band weights: j is a neighbour of i when their planar distance is at most
    /// `band` (same units as the coordinates, metres in Wangge). Found through a hash of
    /// square buckets of side `band`, so the cost is about n × (mean neighbours), not n².
    public static func distanceBand(x: [Double], y: [Double], band: Double, includeSelf: Bool) -> SpatialWeights {
        precondition(x.count == y.count)
        let n = x.count
        guard n > 0, band.isFinite, band >= 0 else { return SpatialWeights(start: Array(repeating: 0, count: n + 1), neighbours: []) }
        let pairs = BandPairs(x: x, y: y, band: band)
        var start = [0]
        start.reserveCapacity(n + 1)
        var neighbours: [Int] = []
        var found: [Int] = []
        for i in 0 ..< n {
            if i & 1023 == 0 && Work.isCancelled { break }
            found.removeAll(keepingCapacity: true)
            pairs.forEachWithinBand(of: i) { j in if j != i || includeSelf { found.append(j) } }
            found.sort()
            neighbours += found
            start.append(neighbours.count)
        }
        return SpatialWeights(start: start, neighbours: neighbours)
    }

    /// The number of (i, j) pairs within `band` (self pairs included), counted up to `limit`:
    /// nil beyond it. Lets a caller refuse a band whose weights would not fit before building them.
    public static func linkCount(x: [Double], y: [Double], band: Double, limit: Int) -> Int? {
        let n = x.count
        guard n > 0, band.isFinite, band >= 0 else { return 0 }
        let pairs = BandPairs(x: x, y: y, band: band)
        var links = 0
        for i in 0 ..< n {
            pairs.forEachWithinBand(of: i) { _ in links += 1 }
            if links > limit { return nil }
        }
        return links
    }

    /// The smallest distance band that gives every site at least one neighbour other than
    /// itself: the largest nearest-neighbour distance (ArcGIS's default for Hot Spot Analysis
    /// uses this same criterion). Nil with fewer than two sites. The pair that defines it sits
    /// exactly on the band and is included (distances ≤ band are neighbours); another library
    /// computing the centroids a last bit differently may leave that pair out.
    public static func smallestBandWithNeighbours(x: [Double], y: [Double]) -> Double? {
        let n = x.count
        guard n >= 2 else { return nil }
        // Sweep in x order: from each site, walk left and right until the x gap alone
        // exceeds the nearest distance found so far.
        let order = (0 ..< n).sorted { x[$0] < x[$1] }
        var largest = 0.0
        for (position, i) in order.enumerated() {
            var best = Double.infinity
            var k = position + 1
            while k < n, x[order[k]] - x[i] <= best {
                let j = order[k], dx = x[j] - x[i], dy = y[j] - y[i]
                best = min(best, (dx * dx + dy * dy).squareRoot())
                k += 1
            }
            k = position - 1
            while k >= 0, x[i] - x[order[k]] <= best {
                let j = order[k], dx = x[j] - x[i], dy = y[j] - y[i]
                best = min(best, (dx * dx + dy * dy).squareRoot())
                k -= 1
            }
            largest = max(largest, best)
        }
        return largest
    }
}

/// Sites in a hash of square buckets at least `band` wide, so the 3×3 block of buckets around
/// a site holds every site within `band` of it: finding them costs about the number found,
/// not n.
private struct BandPairs {
    let x: [Double], y: [Double]
    let minX: Double, minY: Double, side: Double, bandSquared: Double
    var buckets: [SIMD2<Int64>: [Int]] = [:]

    init(x: [Double], y: [Double], band: Double) {
        self.x = x
        self.y = y
        minX = x.min()!
        minY = y.min()!
        // Never so small that bucket numbers overflow.
        let extent = max(x.max()! - minX, y.max()! - minY)
        side = max(band, extent / 1e6, .leastNormalMagnitude)
        bandSquared = band * band
        for i in x.indices { buckets[key(i), default: []].append(i) }
    }

    func key(_ i: Int) -> SIMD2<Int64> {
        SIMD2(Int64(((x[i] - minX) / side).rounded(.down)), Int64(((y[i] - minY) / side).rounded(.down)))
    }

    /// Calls `body` with every site j (i itself included) whose planar distance to i is at most `band`.
    func forEachWithinBand(of i: Int, _ body: (Int) -> Void) {
        let k = key(i)
        for dy in -1 ... 1 as ClosedRange<Int64> {
            for dx in -1 ... 1 as ClosedRange<Int64> {
                for j in buckets[SIMD2(k.x + dx, k.y + dy)] ?? [] {
                    let ddx = x[j] - x[i], ddy = y[j] - y[i]
                    if ddx * ddx + ddy * ddy <= bandSquared { body(j) }
                }
            }
        }
    }
}
