import Testing
@testable import WanggeAnalytics

/// Weekly figures, 环比 and 同比 on orders built by hand.
struct WeeklyTrendTests {
    static let day = 86_400.0
    /// Monday 2025-01-06 00:00 +08:00.
    static let start = 1_736_092_800.0

    /// `n` orders received at `t` with a 72 h deadline, closed after `closeHours` (nil: never).
    static func orders(_ n: Int, at t: Double, closeHours: Double?) -> [WeeklyTrend.Order] {
        (0 ..< n).map { _ in
            WeeklyTrend.Order(received: t, deadline: t + 72 * 3600, changes: closeHours.map { [(t + $0 * 3600, true)] } ?? [])
        }
    }

    @Test func weeksPreviousWeeksAndTheSameWeekAYearEarlier() {
        let s = Self.start, day = Self.day, year = WeeklyTrend.year
        var all: [WeeklyTrend.Order] = []
        all += Self.orders(4, at: s - year + day, closeHours: 10)  // a year earlier, week 1: on time
        all += Self.orders(5, at: s - 7 * day + day, closeHours: 100)  // the week before: late
        all += Self.orders(8, at: s + day, closeHours: 10)  // week 1: on time
        all += Self.orders(2, at: s + day, closeHours: nil)  // week 1: never closed
        all += Self.orders(3, at: s + 8 * day, closeHours: 10)  // week 2
        let rows = WeeklyTrend.rows(all, from: s, to: s + 10 * day, earliest: s - year + day)
        #expect(rows.count == 2)
        #expect(rows[1].week.to == s + 10 * day && rows[1].week.to - rows[1].week.from == 3 * day)
        let w1 = rows[0]
        #expect(w1.week.orders == 10 && w1.week.due == 10 && w1.week.closed == 8 && w1.week.closedOnTime == 8)
        #expect(w1.week.onTimeRate == 0.8)
        #expect(w1.previous?.orders == 5 && w1.previous?.closedOnTime == 0)
        #expect(w1.ordersVsPrevious == 1.0)  // 10 against 5: +100 %
        #expect(w1.onTimeVsPrevious == 0.8)  // 80 % against 0 %: +80 points
        // 同比 only where the data reaches back: here the first order is a day after week 1's start − 52 weeks.
        #expect(w1.lastYear == nil)
        let reaching = WeeklyTrend.rows(all, from: s, to: s + 7 * day, earliest: s - year)
        #expect(reaching[0].lastYear?.orders == 4)
        #expect(reaching[0].ordersVsLastYear == 1.5)  // 10 against 4
        #expect(abs(reaching[0].onTimeVsLastYear! - (-0.2)) < 1e-12)  // 80 % against 100 %
        // The short last week (3 days) against the 3 days a week before it: 3 against 10.
        #expect(rows[1].week.orders == 3 && rows[1].previous?.orders == 10 && abs(rows[1].ordersVsPrevious! + 0.7) < 1e-12)
        // Nothing to compare with: no relative change, not +∞.
        let empty = WeeklyTrend.Row(week: .init(from: 0, to: 1, orders: 3), previous: .init(from: 0, to: 1), lastYear: nil)
        #expect(empty.ordersVsPrevious == nil && empty.ordersVsLastYear == nil)
        // The window's total against the window before it.
        let total = WeeklyTrend.total(all, from: s, to: s + 7 * day, earliest: nil)
        #expect(total.week.orders == 10 && total.previous?.orders == 5 && total.lastYear == nil)
    }
}
