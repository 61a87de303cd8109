import Foundation
import WanggeCore
import WanggeStore

/// Stores posted orders with group commit: batches posted while the writer is busy are
/// written together, in one transaction, when it is free.
///
/// A commit's fixed costs — suspending SpatiaLite's per-row triggers, bringing the R*Tree
/// in line, appending the touched index pages to the WAL — are paid once for the group
/// rather than once per request. Each request is still answered only after the commit that
/// holds its orders, with its own counts and assignments. If a group's transaction fails,
/// its requests are retried one by one, each in its own transaction, so one request cannot
/// fail another. The snapshot is read under the writer, so every order of a group is routed
/// against the layers stored when it commits.
final class IngestQueue: Sendable {
    /// What one request stored.
    struct Outcome: Sendable {
        var report: ImportReport
        var assignments: [(id: String, row: AssignmentRow, located: AddressRouting.Located)]
    }

    private struct Job: Sendable {
        let records: [WorkOrderRecord]
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    /// Orders in one group at most (a larger group would make the first requests wait long).
    static let groupLimit = 20_000

    private let pending = Locked<[Job]>([])
    private let pool: ConnectionPool
    private let snapshot: @Sendable () -> DistrictSnapshot
    private let snapMetres: Double
    private let addressFarMetres: Double

    init(pool: ConnectionPool, snapMetres: Double, addressFarMetres: Double = 300, snapshot: @escaping @Sendable () -> DistrictSnapshot) {
        self.pool = pool
        self.snapMetres = snapMetres
        self.addressFarMetres = addressFarMetres
        self.snapshot = snapshot
    }

    /// Stores `records` (each with an id and a reception time) and answers once committed.
    func store(_ records: [WorkOrderRecord]) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0.append(Job(records: records, continuation: continuation)) }
            pool.writerThread.submit { self.drain() }
        }
    }

    /// On the writer's thread: takes the waiting jobs (up to ``groupLimit`` orders) and commits
    /// them; then, past the WAL threshold, checkpoints before the next group.
    private func drain() {
        defer { pool.boundWAL() }
        let jobs: [Job] = pending.withLock { queue in
            var taken = 0, count = 0
            while count < queue.count && (count == 0 || taken + queue[count].records.count <= Self.groupLimit) {
                taken += queue[count].records.count
                count += 1
            }
            defer { queue.removeFirst(count) }
            return Array(queue.prefix(count))
        }
        guard !jobs.isEmpty else { return }
        do {
            let outcomes = try pool.write { store in try commit(jobs, in: store) }
            for (job, outcome) in zip(jobs, outcomes) { job.continuation.resume(returning: outcome) }
        } catch  where jobs.count > 1 {
            for job in jobs {
                do { job.continuation.resume(returning: try pool.write { store in try commit([job], in: store)[0] }) } catch {
                    job.continuation.resume(throwing: error)
                }
            }
        } catch {
            jobs[0].continuation.resume(throwing: error)
        }
    }

    /// Routes and stores the jobs' orders in one transaction; splits the report by job.
    private func commit(_ jobs: [Job], in store: WanggeStore) throws -> [Outcome] {
        let snapshot = self.snapshot()
        // An id posted twice (in one request or two): the last posting is the one stored,
        // as if the requests had been committed one after the other.
        var last: [String: (job: Int, row: Int)] = [:]
        for (j, job) in jobs.enumerated() { for (r, record) in job.records.enumerated() { last[record.id] = (j, r) } }
        var records: [WorkOrderRecord] = []
        var origin: [(job: Int, row: Int)] = []
        records.reserveCapacity(last.count)
        for (j, job) in jobs.enumerated() {
            for (r, var record) in job.records.enumerated() where last[record.id]! == (j, r) {
                record.line = records.count + 1  // a line number unique in the group
                records.append(record)
                origin.append((j, r))
            }
        }
        let routed = try snapshot.withRouter { router in
            var systems = CRSCache()
            var routed: [Assignment] = []
            routed.reserveCapacity(records.count)
            router.assign(records[...], systems: &systems, appendingTo: &routed)
            return routed
        }
        var importer = Importer(store: store, snapMetres: snapMetres)
        importer.addressFarMetres = addressFarMetres
        let (report, isNew) = try importer.importOrders(records, assignments: routed, index: snapshot.index)
        let assignments = report.routed  // located by address where the coordinates were unusable
        // Split by job: each line of the group belongs to one job's row.
        var outcomes = jobs.map { _ in Outcome(report: ImportReport(layer: .orders), assignments: []) }
        var rowByID: [String: (AssignmentRow, AddressRouting.Located)] = [:]
        for (n, record) in records.enumerated() {
            let j = origin[n].job
            let row = AssignmentRow(assignments[n], in: snapshot.index)
            rowByID[record.id] = (row, report.located[n])
            outcomes[j].report.stored += 1
            if isNew[n] { outcomes[j].report.inserted += 1 } else { outcomes[j].report.updated += 1 }
            outcomes[j].report.statusCounts[assignments[n].status, default: 0] += 1
            if assignments[n].categoryHasNoRule && assignments[n].status != .invalid {
                outcomes[j].report.categoriesWithoutRule[record.category, default: 0] += 1
            }
        }
        for item in report.invalidOrders {
            var item = item
            let (j, r) = origin[(item.row ?? 1) - 1]
            item.row = jobs[j].records[r].line
            outcomes[j].report.invalidOrders.append(item)
        }
        for item in report.manualDispatch {
            let (j, r) = origin[item.line - 1]
            outcomes[j].report.manualDispatch.append((jobs[j].records[r].line, item.id, item.status, item.reason))
            outcomes[j].report.manualDispatchCount += 1
            outcomes[j].report.manualDispatchByReason[item.reason, default: 0] += 1
            outcomes[j].report.manualDispatchByStatus[item.status, default: 0] += 1
        }
        for item in report.rejectedEvents {
            var item = item
            let (j, r) = origin[(item.row ?? 1) - 1]
            item.row = jobs[j].records[r].line
            outcomes[j].report.rejectedEvents.append(item)
        }
        for (j, job) in jobs.enumerated() {
            // Rows superseded by a later posting of their id count as updated.
            let superseded = job.records.count - outcomes[j].report.stored
            outcomes[j].report.updated += superseded
            outcomes[j].report.stored += superseded
            outcomes[j].assignments = job.records.map { ($0.id, rowByID[$0.id]!.0, rowByID[$0.id]!.1) }
        }
        return outcomes
    }
}
