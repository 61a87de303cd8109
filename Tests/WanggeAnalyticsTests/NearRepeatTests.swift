import Testing
@testable import WanggeAnalytics

@Suite struct NearRepeatTests {
    /// Worked by hand. A (0,0) day 0, B (10,0) day 1, C (0,20) day 30, D (500,0) day 0;
    /// bands 50 m × 2 and 7 days × 2. Pairs within 100 m: A–B (10 m, 1 day), A–C (20 m, 30 days),
    /// B–C (22 m, 29 days) → observed [0–50 m, 0–7 d] = 1, every other cell 0.
    /// Permuting {0, 0, 1, 30}: the 30 lands on D with probability ¼ (then all three close pairs
    /// are within 7 days), else on one of A, B, C (one pair within 7 days): expected = ¼·3 + ¾·1
    /// = 1.5, Knox ratio 2/3, and a count ≥ 1 every time, so p = 1.
    @Test func knoxTableByHand() {
        let cells = NearRepeat.knox(
            x: [0, 10, 0, 500], y: [0, 0, 20, 0], days: [0, 1, 30, 0], distanceBand: 50, distanceBands: 2,
            timeBand: 7, timeBands: 2, permutations: 999, seed: 5)
        #expect(cells.count == 4)
        #expect(cells.map(\.observed) == [1, 0, 0, 0])
        #expect(cells[0].distanceFrom == 0 && cells[0].distanceTo == 50 && cells[0].daysFrom == 0 && cells[0].daysTo == 7)
        #expect(abs(cells[0].expected - 1.5) < 0.1, "\(cells[0].expected)")
        #expect(abs(cells[0].knoxRatio! - 2.0 / 3) < 0.05)
        #expect(cells[0].p == 1)
        // No permuted gap falls in 7–14 days (gaps are 0, 1, 29, 30): expected 0, no ratio, p = 1.
        #expect(cells[1].expected == 0 && cells[1].knoxRatio == nil && cells[1].p == 1)
    }

    /// A clear near-repeat pattern: pairs 10 m apart a day apart, scattered in space and time.
    @Test func clusteredPairsAreSignificant() {
        var x: [Double] = [], y: [Double] = [], t: [Double] = []
        for k in 0 ..< 40 {
            let cx = Double(k % 8) * 1_000, cy = Double(k / 8) * 1_000, day = Double(k * 9)
            x += [cx, cx + 10]; y += [cy, cy]; t += [day, day + 1]
        }
        let cells = NearRepeat.knox(
            x: x, y: y, days: t, distanceBand: 100, distanceBands: 1, timeBand: 3, timeBands: 1,
            permutations: 199, seed: 1)
        #expect(cells[0].observed == 40)
        #expect(cells[0].p == 1.0 / 200)
        #expect(cells[0].knoxRatio! > 10)
    }
}
