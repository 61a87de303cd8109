import Testing
import WanggeCore
@testable import WanggeAnalytics

/// The long loops stop when their work's budget is spent (the server's request deadline or
/// shutdown), and run whole without one (the CLI).
@Suite struct CancellationTests {
    static let spent: WorkBudget = {
        let b = WorkBudget(seconds: .infinity)
        b.cancel()
        return b
    }()

    @Test func aBudgetEndsWithItsDeadlineItsCancelOrItsParent() {
        #expect(!WorkBudget(seconds: 60).isCancelled)
        #expect(WorkBudget(seconds: 0).isCancelled)
        #expect(WorkBudget(seconds: 0).isPastDeadline)
        let parent = WorkBudget(seconds: .infinity)
        let child = WorkBudget(seconds: 60, parent: parent)
        #expect(!child.isCancelled && child.remainingSeconds! > 59)
        parent.cancel()
        #expect(child.isCancelled && !child.isPastDeadline)
        #expect(!Work.isCancelled)
        Work.$budget.withValue(parent) { #expect(Work.isCancelled) }
    }

    @Test func permutationsStopWhenTheBudgetIsSpent() {
        let n = 400
        let x = (0 ..< n).map { Double($0 % 20) * 10 }, y = (0 ..< n).map { Double($0 / 20) * 10 }
        let values = (0 ..< n).map { Double(($0 * 7919) % 13) }
        let weights = SpatialWeights.distanceBand(x: x, y: y, band: 15, includeSelf: true)
        let full = GetisOrdGiStar.pseudoPValues(values: values, weights: weights, permutations: 99, seed: 1)
        #expect(full.contains { $0 < 1 })
        let stopped = Work.$budget.withValue(Self.spent) {
            GetisOrdGiStar.pseudoPValues(values: values, weights: weights, permutations: 99, seed: 1)
        }
        #expect(stopped.allSatisfy { $0 == 1 })  // not one site was drawn

        let days = (0 ..< n).map { Double($0 % 30) }
        let knox = NearRepeat.knox(x: x, y: y, days: days, distanceBand: 20, distanceBands: 2, timeBand: 7, timeBands: 2, permutations: 99, seed: 1)
        #expect(knox.reduce(0) { $0 + $1.expected } > 0)
        let knoxStopped = Work.$budget.withValue(Self.spent) {
            NearRepeat.knox(x: x, y: y, days: days, distanceBand: 20, distanceBands: 2, timeBand: 7, timeBands: 2, permutations: 99, seed: 1)
        }
        #expect(knoxStopped.isEmpty)

        let kde = Work.$budget.withValue(Self.spent) {
            KernelDensity(x: x, y: y, extent: (0, 0, 200, 200), cellSize: 1, bandwidth: 50)
        }
        #expect(kde.density.allSatisfy { $0 == 0 })
    }

    @Test func linkCountStopsAtItsLimit() {
        let x = (0 ..< 100).map(Double.init), y = [Double](repeating: 0, count: 100)
        #expect(SpatialWeights.linkCount(x: x, y: y, band: 0.5, limit: 1_000) == 100)
        #expect(SpatialWeights.linkCount(x: x, y: y, band: 1_000, limit: 1_000) == nil)
        #expect(SpatialWeights.linkCount(x: x, y: y, band: 1_000, limit: 10_000) == 10_000)
    }
}
