import Foundation
import Testing
@testable import WanggeAnalytics

@Suite struct GiStarTests {
    /// esda's own example (G_Local docstring): binary distance band 15, self included.
    @Test func esdaGoldenVector() {
        let x: [Double] = [10, 20, 40, 15, 30, 30], y: [Double] = [10, 10, 10, 20, 20, 30]
        let weights = SpatialWeights.distanceBand(x: x, y: y, band: 15, includeSelf: true)
        #expect(Array(weights.neighbours(of: 0)) == [0, 1, 3])
        let results = GetisOrdGiStar.compute(values: [2, 3, 3.2, 5, 8, 7], weights: weights)
        let expected = [-1.397276, -0.289178, 0.650650, -0.289178, 1.234521, 2.024243]
        for (r, e) in zip(results, expected) { #expect(abs(r.z - e) < 5e-7, "\(r.z) vs \(e)") }
        // z = 2.024243 → two-sided p = 0.042945 → 95 % hot spot.
        #expect(abs(results[5].p - 0.042945) < 1e-6)
        #expect(results.map(\.bin) == [0, 0, 0, 0, 0, 2])
    }

    @Test func smallestBandGivesEveryoneANeighbour() {
        let x: [Double] = [0, 1, 5, 5.5, 20], y: [Double] = [0, 0, 0, 0, 0]
        #expect(SpatialWeights.smallestBandWithNeighbours(x: x, y: y) == 14.5)
        let w = SpatialWeights.distanceBand(x: x, y: y, band: 14.5, includeSelf: false)
        for i in 0 ..< 5 { #expect(!w.neighbours(of: i).isEmpty) }
    }

    /// Hand-worked: p-values 0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216
    /// at α = 0.05, m = 10: k·α/m = 0.005, 0.010, 0.015 … → p(2) = 0.008 ≤ 0.010 is the last.
    @Test func benjaminiHochbergCutoff() {
        let p = [0.041, 0.001, 0.008, 0.039, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
        #expect(GetisOrdGiStar.benjaminiHochberg(p, alpha: 0.05) == 0.008)
        #expect(GetisOrdGiStar.benjaminiHochberg([0.5, 0.9], alpha: 0.05) == -1)
    }
}

@Suite struct HotspotTests {
    /// A 5×5 lattice of 100 m cells (1 ha each) with orders piled on the centre.
    func lattice() -> [Hotspots.Site] {
        (0 ..< 25).map { (k: Int) -> Hotspots.Site in
            let community = k < 10 ? "001" : "002"
            let code = "310113102" + community + String(format: "%03d", k)
            let x = Double(k % 5) * 100 + 50, y = Double(k / 5) * 100 + 50
            return Hotspots.Site(code: code, area: 10_000, x: x, y: y)
        }
    }

    @Test func countsListEveryAreaWithDensity() {
        let sites = lattice()
        let counts = ["310113102001000": 3, "310113102002012": 7, "310113199999999": 5]
        let cells = Hotspots.counts(sites: sites, counts: counts, level: .cell)
        #expect(cells.count == 25)
        #expect(cells[0] == Hotspots.CountRow(area: "310113102001000", count: 3, density: 300))
        let communities = Hotspots.counts(sites: sites, counts: counts, level: .community)
        // Community 001 holds cells 0–9 (0.1 km²), 002 cells 10–24 (0.15 km²).
        let first = Hotspots.CountRow(area: "310113102001", count: 3, density: 30)
        let second = Hotspots.CountRow(area: "310113102002", count: 7, density: 7.0 / 0.15)
        #expect(communities == [first, second])
    }

    /// Against the formula evaluated directly (O(n²)) on the lattice; band 100 m = rook
    /// neighbours plus the cell itself.
    @Test func giStarMatchesTheFormula() {
        let sites = lattice()
        var counts: [String: Int] = [:]
        for (k, s) in sites.enumerated() { counts[s.code] = [0, 1, 2, 1, 0][k % 5] + (k == 12 ? 20 : 0) }
        let (rows, band) = Hotspots.giStar(sites: sites, counts: counts, band: nil, falseDiscoveryRate: false)
        #expect(band == 100)
        let x = sites.map { Double(counts[$0.code]!) }
        let n = Double(x.count), mean = x.reduce(0, +) / n
        let s = (x.map { $0 * $0 }.reduce(0, +) / n - mean * mean).squareRoot()
        for (i, row) in rows.enumerated() {
            let neighbours = sites.indices.filter { j in
                let dx = sites[i].x - sites[j].x, dy = sites[i].y - sites[j].y
                return (dx * dx + dy * dy).squareRoot() <= 100
            }
            let w = Double(neighbours.count)
            let z = (neighbours.map { x[$0] }.reduce(0, +) - mean * w) / (s * ((n * w - w * w) / (n - 1)).squareRoot())
            #expect(abs(row.result.z - z) < 1e-12, "\(row.cell)")
        }
        // Worked independently: z = 2.319734, p = 0.020355 → 95 % hot spot.
        #expect(abs(rows[12].result.z - 2.319734) < 1e-6 && abs(rows[12].result.p - 0.020355) < 1e-6)
        #expect(rows[12].result.bin == 2)
    }
}

@Suite struct KernelDensityTests {
    /// One point at a cell centre: the peak is 3/(π r²) per m², and the kernel integrates to 1.
    @Test func onePointPeakAndIntegral() {
        let kde = KernelDensity(x: [505], y: [505], extent: (0, 0, 1000, 1000), cellSize: 10, bandwidth: 100)
        #expect(kde.columns == 100 && kde.rows == 100)
        let peak = kde.density[50 * 100 + 50]
        #expect(abs(peak - 3 / Double.pi / 10_000 * 1e6) < 1e-9)
        // Sum × cell area (km²) ≈ 1 point; the discretisation error at 10 m cells is small.
        let total = kde.density.reduce(0, +) * (10 * 10 / 1e6)
        #expect(abs(total - 1) < 0.01, "\(total)")
        // A cell centre 60 m east: (1 − 0.36)² = 0.4096 of the peak; none at or beyond 100 m.
        #expect(abs(kde.density[50 * 100 + 56] / peak - 0.4096) < 1e-12)
        #expect(kde.density[50 * 100 + 60] == 0)
    }

    /// Worked by hand: four corners of a 10 m square. Mean centre (5, 5); SD = √50 = 7.0711;
    /// every distance to the centre is √50, so Dm = √50 and √(1/ln 2)·Dm = 8.4929 > SD;
    /// r = 0.9 · 7.0711 · 4^(−0.2) = 0.9 · 7.0711 · 0.757858 = 4.822981.
    @Test func defaultBandwidthFollowsTheDocumentedRule() {
        let r = KernelDensity.defaultBandwidth(x: [0, 10, 0, 10], y: [0, 0, 10, 10])!
        #expect(abs(r - 4.822981) < 1e-6)
        #expect(KernelDensity.defaultBandwidth(x: [3, 3], y: [4, 4]) == nil)
    }

    /// Workers split the points; the sum must not depend on how many.
    @Test func workersDoNotChangeTheResult() {
        var state: UInt64 = 7
        func unit() -> Double { state = state &* 6_364_136_223_846_793_005 &+ 1; return Double(state >> 11) / Double(1 << 53) }
        let x = (0 ..< 50_000).map { _ in unit() * 2000 }, y = (0 ..< 50_000).map { _ in unit() * 1000 }
        let one = KernelDensity(x: x, y: y, extent: (0, 0, 2000, 1000), cellSize: 20, bandwidth: 150, workers: 1)
        let four = KernelDensity(x: x, y: y, extent: (0, 0, 2000, 1000), cellSize: 20, bandwidth: 150, workers: 4)
        #expect(zip(one.density, four.density).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0)) })
    }
}

@Suite struct PermutationTests {
    /// 5×5 lattice, rook neighbours plus self (band 1). The centre and its four neighbours hold
    /// 10, everything else 0. A random neighbourhood reaches the centre's sum (50) only by
    /// drawing all four other 10s among the 24 other cells: 1 / C(24, 4) = 1 / 10,626.
    @Test func conditionalRandomisation() {
        let x = (0 ..< 25).map { Double($0 % 5) }, y = (0 ..< 25).map { Double($0 / 5) }
        let weights = SpatialWeights.distanceBand(x: x, y: y, band: 1, includeSelf: true)
        let values = (0 ..< 25).map { [7, 11, 12, 13, 17].contains($0) ? 10.0 : 0 }
        let p = GetisOrdGiStar.pseudoPValues(values: values, weights: weights, permutations: 999, seed: 42)
        #expect(p[12] == 0.001)
        #expect(p == GetisOrdGiStar.pseudoPValues(values: values, weights: weights, permutations: 999, seed: 42))
        #expect(p.allSatisfy { $0 >= 0.001 && $0 <= 0.5 + 1e-9 })
        // Cell 2 (value 0; neighbours 1, 3: 0, 7: 10): its sum 10 is reached by a random draw of
        // 3 from the 24 others (five 10s) with probability 1 − C(19,3)/C(24,3) = 1 − 969/2024 ≈ 0.521,
        // so `larger` folds to the lower tail: p_sim ≈ 0.479 (sampling error ≈ 0.016 at 999).
        #expect(abs(p[2] - (969.0 / 2024)) < 0.05, "\(p[2])")
    }
}

@Suite struct QueenGiStarTests {
    /// Queen lists on the 5×5 lattice equal the distance band √2 (rook + diagonals): same z.
    @Test func queenListsMatchTheEquivalentBand() {
        let sites = (0 ..< 25).map { k in Hotspots.Site(code: String(format: "C%02d", k), area: 1, x: Double(k % 5), y: Double(k / 5)) }
        func touches(_ j: Int, _ k: Int) -> Bool {
            let dx = abs(j % 5 - k % 5), dy = abs(j / 5 - k / 5)
            return j != k && dx <= 1 && dy <= 1
        }
        let queen: [[Int]] = (0 ..< 25).map { (k: Int) -> [Int] in (0 ..< 25).filter { touches($0, k) } }
        var counts: [String: Int] = [:]
        for (k, s) in sites.enumerated() { counts[s.code] = (k * 7) % 6 }
        let a = Hotspots.giStar(sites: sites, counts: counts, band: nil, falseDiscoveryRate: false, queen: queen).rows
        let b = Hotspots.giStar(sites: sites, counts: counts, band: 2.0.squareRoot() + 1e-9, falseDiscoveryRate: false).rows
        for (r, s) in zip(a, b) { #expect(abs(r.result.z - s.result.z) < 1e-12) }
    }
}
