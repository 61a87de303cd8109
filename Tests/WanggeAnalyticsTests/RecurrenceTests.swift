import Testing
@testable import WanggeAnalytics

@Suite struct RecurrenceTests {
    /// Constructed by hand (metres, days; radius 50 m, window 30 days):
    /// 0 (0,0) d0 · 1 (30,0) d5 · 2 (60,0) d10 · 3 (0,0) d50 · 4 category B (0,0) d1 ·
    /// 5 (1000,0) d6 · 6 (31,0) d5 (same time as 1, after it in input).
    /// Order 0 is resolved on day 2, order 1 on day 7; the others never.
    @Test func repeatsReboundsAndChains() {
        let day = 86_400.0
        let spec: [(Double, Double, String, Double, String)] = [
            (0, 0, "A", 0, "c1"), (30, 0, "A", 5, "c1"), (60, 0, "A", 10, "c1"), (0, 0, "A", 50, "c1"),
            (0, 0, "B", 1, "c1"), (1000, 0, "A", 6, "c2"), (31, 0, "A", 5, "c1"),
        ]
        let orders = spec.enumerated().map { k, s in
            Recurrence.Order(id: "O\(k)", category: s.2, received: s.3 * day, x: s.0, y: s.1, areas: [s.4])
        }
        let resolvedOn: [Int: Double] = [0: 2 * day, 1: 7 * day]
        let result = Recurrence.analyse(orders, radius: 50, days: 30) { i, t in resolvedOn[i].map { $0 <= t } ?? false }
        // 1 repeats 0 (30 m, 5 d); 2 repeats 1 (30 m) and 6 (29 m); 3 is 40+ days after all;
        // 4 has another category; 5 is 1 km away; 6 repeats 0 (31 m) and 1 (1 m, same time, earlier in input).
        #expect(result.isRepeat == [false, true, true, false, false, false, true])
        // 1: 0 resolved on day 2 ≤ 5. 2: 1 resolved on day 7 ≤ 10. 6: 0 resolved (1 not yet on day 5).
        #expect(result.isRebound == [false, true, true, false, false, false, true])
        #expect(result.previousInChain == [nil, 0, 1, nil, nil, nil, 0])
        #expect(result.chainLength == [1, 2, 3, 1, 1, 1, 2])
        #expect(Recurrence.worstChains(result, limit: 10) == [[0, 1, 2], [0, 6]])
        #expect(Recurrence.worstChains(result, limit: 1) == [[0, 1, 2]])

        let table = Recurrence.byArea(orders, result, areas: ["c1", "c2", "c3"])
        #expect(
            table == [
                Recurrence.AreaRow(area: "c1", orders: 6, repeats: 3, rebounds: 3, recurrenceRate: 0.5, reboundRate: 0.5),
                Recurrence.AreaRow(area: "c2", orders: 1, repeats: 0, rebounds: 0, recurrenceRate: 0, reboundRate: 0),
                Recurrence.AreaRow(area: "c3", orders: 0, repeats: 0, rebounds: 0, recurrenceRate: nil, reboundRate: nil),
            ])
    }

    /// The hash must find pairs across bucket borders and never pairs beyond the radius.
    @Test func agreesWithTheQuadraticDefinition() {
        var state: UInt64 = 99
        func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Double(state >> 11) / Double(1 << 53)
        }
        let orders = (0 ..< 3_000).map { k in
            Recurrence.Order(
                id: "\(k)", category: unit() < 0.5 ? "A" : "B", received: unit() * 200 * 86_400,
                x: unit() * 2_000, y: unit() * 2_000, areas: [])
        }
        let result = Recurrence.analyse(orders, radius: 60, days: 30) { _, _ in false }
        for j in orders.indices {
            let expected = orders.indices.contains { i in
                i != j && orders[i].category == orders[j].category
                    && (orders[i].received, i) < (orders[j].received, j)
                    && orders[j].received - orders[i].received <= 30 * 86_400
                    && (orders[i].x - orders[j].x) * (orders[i].x - orders[j].x) + (orders[i].y - orders[j].y) * (orders[i].y - orders[j].y) <= 3_600
            }
            #expect(result.isRepeat[j] == expected, "order \(j)")
        }
        #expect(result.isRepeat.filter { $0 }.count > 100)
    }
}
