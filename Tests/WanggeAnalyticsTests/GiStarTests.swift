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
