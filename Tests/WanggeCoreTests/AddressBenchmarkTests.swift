import Testing
@testable import WanggeCore

@Suite struct AddressBenchmarkTests {
    /// The benchmark's synthetic layer and queries are deterministic, and its queries reach
    /// every kind of answer they are made for.
    @Test func smallRunIsDeterministic() {
        let a = AddressIndex.benchmark(addresses: 5_000, queries: 3_000, seed: 7)
        let b = AddressIndex.benchmark(addresses: 5_000, queries: 3_000, seed: 7)
        #expect(a.addresses >= 5_000 && a.addresses < 5_100 && a.queries == 3_000)
        #expect(a.outcomes == b.outcomes)
        #expect(a.outcomes.values.reduce(0, +) == 3_000)
        for kind in ["address", "interpolated", "place", "shop", "unmatched"] {
            #expect(a.outcomes[kind, default: 0] > 0, "\(kind)")
        }
        #expect(a.buildSeconds > 0 && a.resolveSeconds > 0 && a.resolveCPUSeconds > 0)
    }
}
