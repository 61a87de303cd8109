import Testing
@testable import WanggeAnalytics

@Suite struct EmergingHotSpotTests {
    /// [1,2,3,4,5]: S = 10, Var = 5·4·15/18 = 16.667, Z = 9/√16.667 = 2.204541, p = 0.027486.
    /// [1,1,2]: S = 2; one tie group of 2 removes 2·1·9 = 18: Var = (66 − 18)/18 = 2.6667, Z = 1/√2.6667 = 0.612372.
    @Test func mannKendallByHand() {
        let a = EmergingHotSpots.mannKendall([1, 2, 3, 4, 5])
        #expect(a.s == 10 && abs(a.variance - 50.0 / 3) < 1e-12 && abs(a.z - 2.204541) < 1e-6 && abs(a.p - 0.027486) < 1e-6)
        let b = EmergingHotSpots.mannKendall([1, 1, 2])
        #expect(b.s == 2 && abs(b.variance - 8.0 / 3) < 1e-12 && abs(b.z - 0.612372) < 1e-6)
        #expect(EmergingHotSpots.mannKendall([4, 4, 4]).z == 0)
    }

    @Test(arguments: [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 3.0], "new hot spot"),
        ([0, 0, 0, 0, 0, 0, 0, 3, 3, 3.0], "consecutive hot spot"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, 3.0], "persistent hot spot"),
        ([2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9], "intensifying hot spot"),
        ([2.9, 2.8, 2.7, 2.6, 2.5, 2.4, 2.3, 2.2, 2.1, 2.0], "diminishing hot spot"),
        ([3, 0, 3, 0, 0, 3, 0, 0, 0, 3.0], "sporadic hot spot"),
        ([-3, 0, 3, 0, 0, 0, 0, 0, 0, 3.0], "oscillating hot spot"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, 0.0], "historical hot spot"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, -3.0], "new cold spot"),
        ([-2.0, -2.1, -2.2, -2.3, -2.4, -2.5, -2.6, -2.7, -2.8, -2.9], "intensifying cold spot"),
        ([0, 1, 0, -1, 0, 1, 0, 0, 0, 0.0], "no pattern"),
    ])
    func categories(series: [Double], expected: String) {
        #expect(EmergingHotSpots.classify(series).category == expected)
    }

    /// With no time lag, the cube's Gi* is the plain Gi* of the flattened cube whose bins
    /// neighbour the same step's spatial neighbours.
    @Test func cubeGiStarEqualsFlattenedGiStar() {
        let x: [Double] = [0, 1, 2, 0, 1, 2], y: [Double] = [0, 0, 0, 1, 1, 1]
        let spatial = SpatialWeights.distanceBand(x: x, y: y, band: 1, includeSelf: true)
        let counts: [[Double]] = (0 ..< 6).map { i in (0 ..< 4).map { t in Double((i * 7 + t * 3) % 5) } }
        let cube = EmergingHotSpots.analyse(counts: counts, weights: spatial, timeLag: 0)
        // Flatten: bin (i, t) → i·4 + t; same-step neighbours.
        var start = [0], neighbours: [Int] = []
        for i in 0 ..< 6 {
            for t in 0 ..< 4 {
                neighbours += spatial.neighbours(of: i).map { $0 * 4 + t }.sorted()
                start.append(neighbours.count)
            }
        }
        let flat = GetisOrdGiStar.compute(values: counts.flatMap { $0 }, weights: SpatialWeights(start: start, neighbours: neighbours))
        for i in 0 ..< 6 { #expect(abs(cube[i].finalZ - flat[i * 4 + 3].z) < 1e-12) }
    }
}
