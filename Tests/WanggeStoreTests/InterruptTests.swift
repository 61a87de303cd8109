import Testing
import WanggeCore
@testable import WanggeStore

/// A statement stops (SQLITE_INTERRUPT) once its work is cancelled: a deadline reaches into
/// SQLite too.
@Suite struct InterruptTests {
    @Test func aLongStatementStopsWithItsBudget() throws {
        let database = try Database(path: ":memory:")
        database.stopWhenWorkIsCancelled()
        let count = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT count(*) FROM n"
        #expect(try database.scalar(count).int == 200_000)
        let spent = WorkBudget(seconds: .infinity)
        spent.cancel()
        #expect(throws: DatabaseError.self) {
            try Work.$budget.withValue(spent) { _ = try database.scalar(count) }
        }
        #expect(try database.scalar(count).int == 200_000)
    }
}
