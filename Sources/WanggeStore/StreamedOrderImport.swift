import Dispatch
import Foundation
import WanggeCore

extension Importer {
    /// Imports an orders CSV read block by block from `stream` (see ``WorkOrderStream``; give
    /// it `mode: .strict`), in one transaction: it lands whole or not at all. Memory stays
    /// bounded whatever the file's size: the ids and their last lines (a first, light pass), and
    /// two blocks of orders at a time — one routed on a background thread while the previous
    /// one is stored.
    public func importOrders(_ stream: WorkOrderStream) throws -> ImportReport {
        var report = ImportReport(layer: .orders)
        try store.database.transaction {
            try importOrders(stream, into: &report)
            progress?("updating the layer statistics")
            try store.updateLayerStatistics("orders")
            progress?("committing")
        }
        return report
    }

    func importOrders(_ stream: WorkOrderStream, into report: inout ImportReport) throws {
        let progress = self.progress
        // Pass 1: the last line of each id. Several rows for one id: the last one wins, as a
        // later import would, and only it is stored.
        progress?("reading order ids")
        var lastLine: [String: Int32] = [:]
        var rows = 0
        while let ids = try stream.nextIDs() {
            for (line, id) in ids { lastLine[id] = Int32(truncatingIfNeeded: line) }
            rows += ids.count
        }
        if lastLine.count < rows {
            report.warnings.append(
                .warning("\(rows - lastLine.count) row(s) repeat an order id already in this file; the last row of each id was kept"))
        }
        try stream.restart()
        progress?("building the index")
        let index = try store.loadDistrictIndex()
        let wasEmpty = try store.database.scalar("SELECT EXISTS (SELECT 1 FROM orders)").int != 1
        let total = lastLine.count
        // Pass 2: read, check and route a block on a background thread while the one before is stored.
        let routers = OrderRouterPool(index: index, snapMetres: snapMetres)
        // The standard address layer, built once: orders without usable coordinates are located by it.
        let routing = try store.addressRouting(for: index, farMetres: addressFarMetres)
        let routed = Prefetch { () throws -> (records: [WorkOrderRecord], assignments: [Assignment], located: [AddressRouting.Located])? in
            guard var records = try stream.next() else { return nil }
            if let r = records.first(where: { $0.receivedAt == nil }) {
                throw CSVRowError(line: r.line, message: "order \(r.id): \(r.receivedAtProblem ?? "")")
            }
            records.removeAll { lastLine[$0.id] != Int32(truncatingIfNeeded: $0.line) }
            var assignments = try index.assign(records, routers: routers)
            let router = try routers.take()
            defer { routers.giveBack(router) }
            let located = Self.locate(records, &assignments, routing: routing, router: router, index: index)
            return (records, assignments, located)
        }
        defer { routed.stop() }
        var stored = 0
        // Whether a stored order may carry an address answer (`located_by`, `address_match`).
        // While none does and a block has none, recording the block's answers changes nothing,
        // so it is skipped — recordLocated would scan the whole table to find that out, once
        // per block, which made a 1M-order import quadratic.
        var addressAnswersStored =
            try store.database.scalar("SELECT EXISTS (SELECT 1 FROM orders WHERE located_by != '' OR address_match != '')").int == 1
        try store.writeOrders(importedAt: Timestamp.format(Date().timeIntervalSince1970), progress: progress) { writer in
            while let (records, assignments, located) = try routed.next() {
                report.inserted += try writer.upsert(records, assignments, index: index) { _ in !wasEmpty }.filter { $0 }.count
                let addressAnswers = located.contains { ($0.locatedBy != "coordinates" && !$0.locatedBy.isEmpty) || !$0.match.isEmpty }
                if addressAnswersStored || addressAnswers {
                    try store.recordLocated(ids: records.map(\.id), located)
                    addressAnswersStored = true
                }
                // Only the answers worth reporting are kept (by address, or address_far): memory stays bounded.
                report.located += located.filter { ($0.locatedBy != "coordinates" && !$0.locatedBy.isEmpty) || $0.isAddressFar }
                try applyEvents(try handlingEvents(records, into: &report), into: &report)
                tally(records, assignments, index: index, listLimit: ImportReport.manualDispatchListLimit, into: &report)
                stored += records.count
                progress?("routed and stored \(stored) of \(total) orders")
            }
        }
        report.stored = stored
        report.updated = stored - report.inserted
        report.rejectedEvents.sort { ($0.row ?? 0) < ($1.row ?? 0) }
    }
}

/// Runs `produce` on a background thread one step ahead of the caller: while the caller works
/// on one value, the next is being made. `next()` hands them over in order (nil: no more);
/// an error thrown by `produce` is thrown by the `next()` that would have returned its value.
// @unchecked: `slot` is handed over by the semaphores (one side at a time), `stopped` is under `lock`.
final class Prefetch<Value>: @unchecked Sendable {
    private let produce: () throws -> Value?
    private var slot: Result<Value?, Error>?
    private let filled = DispatchSemaphore(value: 0)
    private let emptied = DispatchSemaphore(value: 1)
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false

    init(_ produce: @escaping () throws -> Value?) {
        self.produce = produce
        DispatchQueue.global().async { self.run() }
    }

    private func run() {
        defer { finished.signal() }
        while true {
            emptied.wait()
            if lock.withLock({ stopped }) { return }
            let result = Result { try produce() }
            slot = result
            filled.signal()
            if case .success(.some) = result { continue }
            return
        }
    }

    /// The next value, waiting for it; nil when `produce` said there are no more.
    func next() throws -> Value? {
        filled.wait()
        let result = slot!
        // The last answer (nil or an error) stays for any later call.
        if case .success(.some) = result { slot = nil; emptied.signal() } else { filled.signal() }
        return try result.get()
    }

    /// Stops producing and waits until the background thread has let go of everything it uses.
    func stop() {
        lock.withLock { stopped = true }
        emptied.signal()
        finished.wait()
        finished.signal()
    }
}
