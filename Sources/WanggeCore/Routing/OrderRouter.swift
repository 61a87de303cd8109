import Foundation

/// Routes work orders against a shared ``DistrictIndex``: the cell, the responsible unit, the
/// inspection points. A router holds per-thread state (PROJ objects, scratch), so each thread
/// uses its own; many routers share one index.
///
/// Rules, in order:
/// 1. The coordinates are converted to WGS84; unusable ones give `invalid`.
/// 2. Covering cells (boundary included) are found exactly; the primary is the smallest code.
///    None covering: the nearest cell (EPSG:4549 metres) is used when within `snapMetres`.
/// 3. The unit, only for an order with a cell (covered or snapped): the category's route kinds
///    are tried in order at the order's own location; the first kind with a covering zone wins
///    (smallest zone id). Otherwise the street unit of the primary cell (属地兜底); otherwise none.
///    An `outside` order gets no unit even where a zone drawn past the district edge covers it:
///    it is a transfer for manual dispatch, not the district's.
/// 4. Inspection points within their radius (EPSG:4549 metres; 0 inside an areal point).
public final class OrderRouter {
    public let index: DistrictIndex
    public let snapMetres: Double
    private let converter = CoordinateConverter()
    private let projection: MetricProjection
    private let nearestScratch = NearestFeatureTree.Scratch()
    /// Scratch of ``assign(_:into:)`` and ``locateCells(_:into:)``.
    private var blockLocations: [Coordinate] = []
    private var blockAnswers: [Int32] = []
    /// Scratch of the block's orders that no cell covers (by the raster, or beyond the cells'
    /// grid): their positions in the block, their EPSG:4549 positions and their nearest cells.
    private var uncoveredOrders: [Int] = []
    private var uncoveredMetric: [Coordinate] = []
    private var uncoveredNearest: [(feature: Int, distance: Double)?] = []
    /// Scratch of ``readAheadExactTests(_:_:)``, and the sum of what it read (kept so
    /// that the reads are made).
    private var exactHeads: [Int] = []
    private var readAheadSum = 0

    public init(index: DistrictIndex, snapMetres: Double = 50) throws {
        self.index = index
        self.snapMetres = snapMetres
        self.projection = try MetricProjection()
    }

    /// Routes one order given as a position in `crs`.
    public func assign(_ position: Coordinate, crs: CoordinateReferenceSystem, category: String) -> Assignment {
        assign(position, crs: crs, route: index.categoryRoute(for: category))
    }

    /// Routes one order given as a position in `crs`, its category already resolved.
    public func assign(_ position: Coordinate, crs: CoordinateReferenceSystem, route: CategoryRoute) -> Assignment {
        let location: Coordinate
        do {
            location = try converter.toWGS84(position, from: crs)
        } catch {
            var result = Assignment(status: .invalid)
            result.invalidReason = error.description
            return result
        }
        return assign(wgs84: location, route: route)
    }

    /// Routes one order at a WGS84 location.
    public func assign(wgs84 p: Coordinate, category: String) -> Assignment {
        assign(wgs84: p, route: index.categoryRoute(for: category))
    }

    /// Routes one order at a WGS84 location, its category already resolved.
    public func assign(wgs84 p: Coordinate, route: CategoryRoute) -> Assignment {
        assign(wgs84: p, route: route, cellAnswer: index.cellRaster.answer(p.x, p.y))
    }

    /// Routes a block of orders with the same answers as ``assign(_:crs:route:)`` on each in
    /// turn, appended to `results` in the block's order (`results` is emptied first; reuse it
    /// from block to block).
    ///
    /// Why blocks: a covered order's routing is mostly one read of the cells' coverage raster
    /// (20 MB for a city of 40,000 cells: a random read that misses every cache). One order at a
    /// time, the processor waits for each read; here the raster is read for the whole block
    /// first, in a short loop of independent reads that the processor overlaps. So are the
    /// first reads of the exact tests of the orders in its undecided pixels, and of the
    /// nearest-cell searches of those it leaves uncovered or that lie beyond the cells' grid
    /// (``nearestCells(wgs84:into:)``).
    /// Feeds route their orders ``blockSize`` at a time.
    public func assign(_ block: [BlockOrder], into results: inout [Assignment]) {
        results.removeAll(keepingCapacity: true)
        let count = block.count
        if blockLocations.count < count {
            blockLocations = [Coordinate](repeating: Coordinate(0, 0), count: count)
            blockAnswers = [Int32](repeating: 0, count: count)
        }
        var failures: [(Int, String)] = []
        block.withUnsafeBufferPointer { orders in
            blockLocations.withUnsafeMutableBufferPointer { locations in
                for i in 0 ..< count {
                    do throws(CoordinateError) {
                        locations[i] = try converter.toWGS84(orders[i].position, from: orders[i].crs)
                    } catch {
                        locations[i] = Coordinate(.nan, .nan)
                        failures.append((i, error.description))
                    }
                }
                blockAnswers.withUnsafeMutableBufferPointer { answers in
                    let raster = index.cellRaster
                    for i in 0 ..< count { answers[i] = raster.answer(locations[i].x, locations[i].y) }
                    readAheadExactTests(UnsafeBufferPointer(rebasing: locations[..<count]), UnsafeBufferPointer(rebasing: answers[..<count]))
                }
            }
        }
        uncoveredOrders.removeAll(keepingCapacity: true)
        uncoveredMetric.removeAll(keepingCapacity: true)
        // Uncovered: a sure answer of the raster, or a point beyond the raster and the cells'
        // buckets (an undecided answer with no candidate cell: most of a city-wide feed's
        // outside orders).
        for i in 0 ..< count where blockLocations[i].x.isFinite {
            let p = blockLocations[i], answer = blockAnswers[i]
            guard answer == CoverageRaster.uncovered || (answer == CoverageRaster.undecided && index.cellGrid.candidates(p.x, p.y).isEmpty)
            else { continue }
            uncoveredOrders.append(i)
            uncoveredMetric.append(p)
        }
        searchUncovered()
        var nextFailure = 0, nextUncovered = 0
        for i in 0 ..< count {
            if nextFailure < failures.count && failures[nextFailure].0 == i {
                var invalid = Assignment(status: .invalid)
                invalid.invalidReason = failures[nextFailure].1
                results.append(invalid)
                nextFailure += 1
            } else if nextUncovered < uncoveredOrders.count && uncoveredOrders[nextUncovered] == i {
                let searched = (metric: uncoveredMetric[nextUncovered], nearest: uncoveredNearest[nextUncovered])
                results.append(assign(wgs84: blockLocations[i], route: block[i].route, cellAnswer: blockAnswers[i], searched: searched))
                nextUncovered += 1
            } else {
                results.append(assign(wgs84: blockLocations[i], route: block[i].route, cellAnswer: blockAnswers[i]))
            }
        }
    }

    /// The orders a feed routes at a time with ``assign(_:into:)``: enough reads in flight to
    /// fill the processor's queue, few enough to stay in the first-level cache.
    public static let blockSize = 64

    /// ``assign(wgs84:route:)`` given the cells' raster answer at `p`, and for a point no cell
    /// covers, its EPSG:4549 position and nearest cell if already searched.
    func assign(
        wgs84 p: Coordinate, route: CategoryRoute, cellAnswer sure: Int32,
        searched: (metric: Coordinate, nearest: (feature: Int, distance: Double)?)? = nil
    ) -> Assignment {
        var result = Assignment(status: .inside)
        result.location = p
        var metric: Coordinate? = searched?.metric
        func projected() -> Coordinate {
            if let metric { return metric }
            let m = projection.project(p)
            metric = m
            return m
        }

        // Cells.
        var primary = -1
        var onBoundary = false
        if sure >= 0 {
            primary = Int(sure)
        } else if sure == CoverageRaster.undecided {
            for i in index.cellGrid.candidates(p.x, p.y) {
                let c = index.cellGrid.candidate(at: i)
                let where_ = index.cellShapes.locate(p.x, p.y, in: c)
                guard where_.isCovered else { continue }
                if where_ == .boundary { onBoundary = true }
                if primary < 0 { primary = c } else { result.otherCoveringCells.append(c) }
            }
        }
        if primary >= 0 {
            result.cell = primary
            result.status = onBoundary ? .boundary : .inside
            result.distanceMetres = 0
        } else if let (nearest, distance) = searched.map({ $0.nearest }) ?? nearestCell(to: projected()) {
            result.distanceMetres = distance
            if distance <= snapMetres {
                result.status = .snapped
                result.cell = nearest
            } else {
                result.status = .outside
            }
        } else {
            result.status = .outside
        }

        // Responsible unit: only for an order with a cell.
        // Only an order with a cell falls back to its street unit for want of a rule.
        result.categoryHasNoRule = !route.hasRule && result.cell != nil
        // The layers are read in place, `index.zoneLayers[k].…`: a local copy of a layer would
        // retain its dozen arrays for every order.
        for layerIndex in route.layers where result.cell != nil {
            var hit = -1
            let sure = index.zoneLayers[layerIndex].raster.answer(p.x, p.y)
            if sure >= 0 {
                hit = Int(sure)
            } else if sure == CoverageRaster.undecided {
                for i in index.zoneLayers[layerIndex].grid.candidates(p.x, p.y) {
                    let z = index.zoneLayers[layerIndex].grid.candidate(at: i)
                    if index.zoneLayers[layerIndex].shapes.locate(p.x, p.y, in: z).isCovered {
                        hit = z
                        break
                    }
                }
            }
            if hit >= 0 {
                let zone = index.zoneLayers[layerIndex].zoneIndexes[hit]
                result.zone = zone
                result.unit = index.zones[zone].unit
                result.route = .zone(layer: layerIndex)
                break
            }
        }
        if result.zone == nil, let cell = result.cell, case let unit = index.cellStreetUnits[cell], unit >= 0 {
            result.unit = Int(unit)
            result.route = .street
        }

        // Inspection points.
        for k in index.pointGrid.candidates(p.x, p.y) {
            let i = index.pointGrid.candidate(at: k)
            let m = projected()
            guard m.x.isFinite else { continue }
            let inside = index.points[i].isAreal && index.pointShapes.locate(m.x, m.y, in: i).isCovered
            if inside || index.pointShapes.distanceToRings(m.x, m.y, of: i) <= index.points[i].radiusMetres {
                result.points.append(i)
            }
        }
        return result
    }

    /// Only the cell part of routing, allocation-free: the primary covering cell (-1 if none)
    /// and whether the point is on a boundary. This is the hot loop measured by `wangge bench`.
    public func locateCell(_ p: Coordinate) -> (cell: Int, onBoundary: Bool) {
        let sure = index.cellRaster.answer(p.x, p.y)
        if sure >= 0 { return (Int(sure), false) }
        if sure == CoverageRaster.uncovered { return (-1, false) }
        return locateCellExactly(p)
    }

    /// ``locateCell(_:)`` for a block of WGS84 points, the raster read for the whole block first
    /// (see ``assign(_:into:)``): `cells[i]` is the primary covering cell of `points[i]`, or -1.
    public func locateCells(_ points: UnsafeBufferPointer<Coordinate>, into cells: UnsafeMutableBufferPointer<Int32>) {
        precondition(cells.count >= points.count, "one cell per point")
        let raster = index.cellRaster
        for i in 0 ..< points.count { cells[i] = raster.answer(points[i].x, points[i].y) }
        readAheadExactTests(points, UnsafeBufferPointer(rebasing: cells[..<points.count]))
        for i in 0 ..< points.count where cells[i] < 0 {
            cells[i] = cells[i] == CoverageRaster.uncovered ? -1 : Int32(locateCellExactly(points[i]).cell)
        }
    }

    /// Makes the first reads of the exact tests of a block's points in undecided pixels of the
    /// cells' raster, for all of them first: the point's bucket, its first candidate cell, that
    /// cell's box and ring span, then the ring's first vertex. Each test otherwise waits on
    /// those reads one after another, each likely a cache miss; made level by level for the
    /// whole block, in loops of independent reads, they overlap (as the raster reads do).
    private func readAheadExactTests(_ points: UnsafeBufferPointer<Coordinate>, _ answers: UnsafeBufferPointer<Int32>) {
        let count = points.count
        if exactHeads.count < count { exactHeads = [Int](repeating: 0, count: count) }
        let grid = index.cellGrid
        var sum = 0
        exactHeads.withUnsafeMutableBufferPointer { heads in
            var undecided = 0
            grid.start.withUnsafeBufferPointer { start in
                for i in 0 ..< count where answers[i] == CoverageRaster.undecided {
                    guard let b = grid.bucket(points[i].x, points[i].y) else { continue }
                    heads[undecided] = Int(start[b])
                    undecided += 1
                }
            }
            guard undecided > 0 else { return }
            grid.items.withUnsafeBufferPointer { items in
                for k in 0 ..< undecided { heads[k] = heads[k] < items.count ? Int(items[heads[k]]) : -1 }
            }
            let shapes = index.cellShapes
            shapes.boxes.withUnsafeBufferPointer { boxes in
                shapes.singleRing.withUnsafeBufferPointer { spans in
                    for k in 0 ..< undecided where heads[k] >= 0 {
                        let c = heads[k]
                        sum &+= Int(truncatingIfNeeded: boxes[c].minX.bitPattern)
                        heads[k] = spans[c] >= 0 ? Int(spans[c] & 0xFFFF_FFFF) : -1
                    }
                }
            }
            shapes.xs.withUnsafeBufferPointer { xs in
                shapes.ys.withUnsafeBufferPointer { ys in
                    for k in 0 ..< undecided where heads[k] >= 0 {
                        sum &+= Int(truncatingIfNeeded: xs[heads[k]].bitPattern ^ ys[heads[k]].bitPattern)
                    }
                }
            }
        }
        readAheadSum &+= sum
    }

    /// The exact tests of ``locateCell(_:)`` for a point in an undecided pixel, kept out of line
    /// so the sure answer's path stays a few instructions long (more orders' raster reads then
    /// overlap in the processor).
    @inline(never)
    func locateCellExactly(_ p: Coordinate) -> (cell: Int, onBoundary: Bool) {
        var primary = -1
        var onBoundary = false
        // No closure and no local copy of the grid or the shapes (either retains their arrays).
        for i in index.cellGrid.candidates(p.x, p.y) {
            let c = index.cellGrid.candidate(at: i)
            let where_ = index.cellShapes.locate(p.x, p.y, in: c)
            if where_.isCovered {
                if where_ == .boundary { onBoundary = true }
                if primary < 0 { primary = c }
            }
        }
        return (primary, onBoundary)
    }

    /// The nearest cell to a point covered by none, with its distance in EPSG:4549 metres:
    /// a best-first search of the index's ``NearestFeatureTree`` over the cells' metric boxes.
    /// Distances within 1 mm of the smallest are ties, which go to the smallest code.
    func nearestCell(to m: Coordinate) -> (Int, Double)? {
        index.cellTree.nearest(m.x, m.y, scratch: nearestScratch).map { ($0.feature, $0.distance) }
    }

    /// ``nearestCell(wgs84:)`` of each location of a block, `results[i]` for `points[i]`
    /// (`results` is emptied first): the locations projected in one call and the searches'
    /// first reads made for the whole block first (``NearestFeatureTree/nearest(_:into:scratch:)``).
    public func nearestCells(wgs84 points: UnsafeBufferPointer<Coordinate>, into results: inout [(cell: Int, distanceMetres: Double)?]) {
        uncoveredMetric.removeAll(keepingCapacity: true)
        uncoveredMetric.append(contentsOf: points)
        searchUncovered()
        results.removeAll(keepingCapacity: true)
        for answer in uncoveredNearest { results.append(answer.map { (cell: $0.feature, distanceMetres: $0.distance) }) }
    }

    /// Projects the WGS84 locations in `uncoveredMetric` to EPSG:4549 in one call, in place,
    /// and searches their nearest cells as a block into `uncoveredNearest`.
    private func searchUncovered() {
        projection.project(&uncoveredMetric)
        uncoveredMetric.withUnsafeBufferPointer { index.cellTree.nearest($0, into: &uncoveredNearest, scratch: nearestScratch) }
    }

    /// The nearest cell to a WGS84 location and its distance in EPSG:4549 metres (ties within
    /// 1 mm to the smallest code), whether or not a cell covers it; nil without cells or when
    /// the location cannot be projected. This is the search an order covered by no cell needs.
    public func nearestCell(wgs84 p: Coordinate) -> (cell: Int, distanceMetres: Double)? {
        nearestCell(to: projection.project(p)).map { (cell: $0.0, distanceMetres: $0.1) }
    }
}

/// One order of a block that ``OrderRouter/assign(_:into:)`` routes: its position in its CRS
/// and its category's route.
public struct BlockOrder: Sendable {
    public var position: Coordinate
    public var crs: CoordinateReferenceSystem
    public var route: CategoryRoute

    public init(position: Coordinate, crs: CoordinateReferenceSystem, route: CategoryRoute) {
        self.position = position
        self.crs = crs
        self.route = route
    }
}
