import Dispatch
import Foundation

/// The text fields of an assignment as `wangge assign` writes them and the store keeps them.
/// Column order: `id,status,cell,cells,street,community,unit,route,zone,distance_m,points`.
public struct AssignmentRow: Sendable, Equatable {
    public static let header = ["id", "status", "cell", "cells", "street", "community", "unit", "route", "zone", "distance_m", "points"]

    public var status: String
    public var cell: String
    public var cells: String
    public var street: String
    public var community: String
    public var unit: String
    public var route: String
    public var zone: String
    /// Metres with three decimals, "0" when covered, empty when unknown.
    public var distance: String
    public var points: String

    public init(_ a: Assignment, in index: DistrictIndex) {
        status = a.status.rawValue
        let cellInfo = a.cell.map { index.cells[$0] }
        cell = cellInfo?.code ?? ""
        // A street-level address answer has no cell: its street is the street unit's.
        street = cellInfo?.street ?? (a.route == .street ? a.unit.map { index.units[$0].area } : nil) ?? ""
        community = cellInfo?.community ?? ""
        cells = a.coveringCells.map { index.cells[$0].code }.joined(separator: ";")
        unit = a.unit.map { index.units[$0].id } ?? (a.zone.map { index.zones[$0].unitID } ?? "")
        switch a.route {
        case .zone(let layer): route = index.zoneLayers[layer].kind
        case .street: route = "street"
        case .none: route = "none"
        }
        zone = a.zone.map { index.zones[$0].id } ?? ""
        if let d = a.distanceMetres, d.isFinite {
            distance = d == 0 ? "0" : AssignmentRow.millimetres(d)
        } else {
            distance = ""
        }
        points = a.points.map { index.points[$0].id }.joined(separator: ";")
    }

    /// A distance with exactly three decimals.
    public static func millimetres(_ d: Double) -> String {
        let total = Int64((d * 1000).rounded())
        let frac = total % 1000
        return "\(total / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + "\(frac)"
    }

    /// The fields after `id`, in header order.
    public var fields: [String] { [status, cell, cells, street, community, unit, route, zone, distance, points] }
}

extension DistrictIndex {
    /// Routes every record on all cores (one ``OrderRouter`` per worker, the index shared).
    /// Records with a row problem, an unreadable position or an unknown CRS come back
    /// `invalid` with the reason; nothing is dropped and the order is kept.
    public func assign(
        _ records: [WorkOrderRecord], snapMetres: Double = 50,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> [Assignment] {
        try assign(records, routers: OrderRouterPool(index: self, snapMetres: snapMetres), workers: workers, progress: progress)
    }

    /// Routes every record on all cores with routers of `routers` (which must be this index's),
    /// so that block after block of one import reuses the same routers.
    public func assign(
        _ records: [WorkOrderRecord], routers pool: OrderRouterPool,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> [Assignment] {
        precondition(pool.index === self, "the routers of another index")
        let count = records.count
        guard count > 0 else { return [] }
        let workerCount = max(1, min(workers, (count + 4095) / 4096))
        let done = Locked(0)
        let chunks = try Parallel.chunks(0 ..< count, pieces: workerCount) { range in
            let router = try pool.take()
            defer { pool.giveBack(router) }
            var systems = CRSCache()
            var assignments: [Assignment] = []
            assignments.reserveCapacity(range.count)
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(range.upperBound, (start / 65_536 + 1) * 65_536)
                router.assign(records[start ..< end], systems: &systems, appendingTo: &assignments)
                if end % 65_536 == 0, let progress {
                    progress(
                        done.withLock {
                            $0 += 65_536; return $0
                        })
                }
                start = end
            }
            return assignments
        }
        return Array(chunks.joined())
    }
}

/// Routers for one index, made on demand and reused. An ``OrderRouter`` is cheap to use but not to
/// make (its PROJ transformations read PROJ's database), so batches take one per worker from
/// here instead of making one per piece of work. Thread-safe; a router taken is used by one
/// thread until it is given back.
// @unchecked: routers are not Sendable; `idle` is under `lock` and a router taken is used by one thread.
public final class OrderRouterPool: @unchecked Sendable {
    public let index: DistrictIndex
    public let snapMetres: Double
    private var idle: [OrderRouter] = []
    private let lock = NSLock()

    public init(index: DistrictIndex, snapMetres: Double = 50) {
        self.index = index
        self.snapMetres = snapMetres
    }

    /// An idle router, or a new one.
    public func take() throws -> OrderRouter {
        if let router = lock.withLock({ idle.popLast() }) { return router }
        return try OrderRouter(index: index, snapMetres: snapMetres)
    }

    /// Returns a router taken with ``take()``.
    public func giveBack(_ router: OrderRouter) {
        lock.withLock { idle.append(router) }
    }
}

extension OrderRouter {
    /// Routes `records` in their order, appending to `assignments`: a row problem, an
    /// unreadable position or an unknown CRS gives `invalid` with the reason. Block by block
    /// (``assign(_:into:)``): the records with a usable position are routed together and the
    /// others answered in their place.
    public func assign(_ records: ArraySlice<WorkOrderRecord>, systems: inout CRSCache, appendingTo assignments: inout [Assignment]) {
        var orders: [BlockOrder] = [], routed: [Assignment] = [], rejected: [Assignment?] = []
        var blockStart = records.startIndex
        while blockStart < records.endIndex {
            let block = blockStart ..< min(records.endIndex, blockStart + Self.blockSize)
            orders.removeAll(keepingCapacity: true)
            rejected.removeAll(keepingCapacity: true)
            for i in block {
                switch blockOrder(records[i], systems: &systems) {
                case .success(let order): orders.append(order); rejected.append(nil)
                case .failure(let invalid): rejected.append(invalid.assignment)
                }
            }
            assign(orders, into: &routed)
            var next = 0
            for r in rejected {
                if let r { assignments.append(r) } else { assignments.append(routed[next]); next += 1 }
            }
            blockStart = block.upperBound
        }
    }

    /// A record as an order of a block, or the `invalid` assignment its row problem, unreadable
    /// position or unknown CRS gives.
    func blockOrder(_ record: WorkOrderRecord, systems: inout CRSCache) -> Result<BlockOrder, InvalidRecord> {
        if let problem = record.rowProblem ?? record.positionProblem { return .failure(InvalidRecord(problem)) }
        switch systems.system(record.crsText) {
        case .success(let system):
            return .success(BlockOrder(position: record.position!, crs: system, route: index.categoryRoute(for: record.category)))
        case .failure(let error):
            return .failure(InvalidRecord(error.description))
        }
    }

    /// The `invalid` answer for a record that cannot be routed.
    struct InvalidRecord: Error {
        var assignment: Assignment
        init(_ reason: String) {
            assignment = Assignment(status: .invalid)
            assignment.invalidReason = reason
        }
    }
}

/// Coordinate systems parsed once per distinct `crs` text (one cache per worker, unshared).
public struct CRSCache {
    private var known: [String: Result<CoordinateReferenceSystem, CoordinateError>] = [:]

    public init() {}

    mutating func system(_ text: String) -> Result<CoordinateReferenceSystem, CoordinateError> {
        if let cached = known[text] { return cached }
        let parsed = Result { () throws(CoordinateError) in try CoordinateReferenceSystem(parsing: text) }
        known[text] = parsed
        return parsed
    }
}
