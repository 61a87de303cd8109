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
public final class Router {
    public let index: DistrictIndex
    public let snapMetres: Double
    private let converter = CoordinateConverter()
    private let projection: MetricProjection
    private var stamp: [UInt32]
    private var query: UInt32 = 0

    public init(index: DistrictIndex, snapMetres: Double = 50) throws {
        self.index = index
        self.snapMetres = snapMetres
        self.projection = try MetricProjection()
        self.stamp = [UInt32](repeating: 0, count: index.cells.count)
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
        var result = Assignment(status: .inside)
        result.location = p
        var metric: Coordinate?
        func projected() -> Coordinate {
            if let metric { return metric }
            let m = projection.project(p)
            metric = m
            return m
        }

        // Cells.
        var primary = -1
        var onBoundary = false
        let sure = index.cellRaster.answer(p.x, p.y)
        if sure >= 0 {
            primary = Int(sure)
        } else if sure == CoverageRaster.undecided {
            let shapes = index.cellShapes
            index.cellGrid.forEachCandidate(p.x, p.y) { c in
                let where_ = shapes.locate(p.x, p.y, in: c)
                guard where_.isCovered else { return }
                if where_ == .boundary { onBoundary = true }
                if primary < 0 { primary = c } else { result.otherCoveringCells.append(c) }
            }
        }
        if primary >= 0 {
            result.cell = primary
            result.status = onBoundary ? .boundary : .inside
            result.distanceMetres = 0
        } else if let (nearest, distance) = nearestCell(to: projected(), near: p) {
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
        for layerIndex in route.layers where result.cell != nil {
            let layer = index.zoneLayers[layerIndex]
            var hit = -1
            let sure = layer.raster.answer(p.x, p.y)
            if sure >= 0 {
                hit = Int(sure)
            } else if sure == CoverageRaster.undecided {
                layer.grid.forEachCandidate(p.x, p.y) { z in
                    if hit < 0 && layer.shapes.locate(p.x, p.y, in: z).isCovered { hit = z }
                }
            }
            if hit >= 0 {
                let zone = layer.zoneIndexes[hit]
                result.zone = zone
                result.unit = index.zones[zone].unit
                result.route = .zone(layer: layerIndex)
                break
            }
        }
        if result.zone == nil, let cell = result.cell, let unit = index.cells[cell].streetUnit {
            result.unit = unit
            result.route = .street
        }

        // Inspection points.
        index.pointGrid.forEachCandidate(p.x, p.y) { i in
            let m = projected()
            guard m.x.isFinite else { return }
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
        var primary = -1
        var onBoundary = false
        let shapes = index.cellShapes
        index.cellGrid.forEachCandidate(p.x, p.y) { c in
            let where_ = shapes.locate(p.x, p.y, in: c)
            if where_.isCovered {
                if where_ == .boundary { onBoundary = true }
                if primary < 0 { primary = c }
            }
        }
        return (primary, onBoundary)
    }

    /// Distances closer than this (metres) are a tie, decided by the smallest code: two cells
    /// equidistant in exact arithmetic differ in the last bits of their computed distances.
    static let tieMetres = 0.001

    /// The nearest cell to a point covered by none, with its distance in metres.
    /// Ties (within ``tieMetres``) go to the smallest code. Candidates come from windows of growing size in degrees;
    /// once a distance d is known, every cell whose box meets the d-window is checked, so the
    /// answer is the true minimum.
    func nearestCell(to m: Coordinate, near p: Coordinate) -> (Int, Double)? {
        guard m.x.isFinite, m.y.isFinite, !index.cells.isEmpty else { return nil }
        let grid = index.cellSearchGrid
        let extent = grid.extent
        // Start from the distance to the grid's extent (0 inside it) plus one bucket.
        let dxDeg = max(extent.minX - p.x, 0, p.x - extent.maxX)
        let dyDeg = max(extent.minY - p.y, 0, p.y - extent.maxY)
        var radius = max(dxDeg * 80_000 + dyDeg * 100_000, 0) + grid.bucketHeight * 110_000
        var best: (Int, Double)?
        while best == nil {
            best = nearest(in: radius, m: m, p: p, best: nil)
            radius *= 2
            if radius > 4.1e7 { break }
        }
        guard let found = best else { return nil }
        return nearest(in: found.1 + Self.tieMetres, m: m, p: p, best: found)
    }

    /// The nearest of the cells whose boxes meet the window of `radius` metres around the point:
    /// the smallest code among those within ``tieMetres`` of the minimum distance.
    private func nearest(in radius: Double, m: Coordinate, p: Coordinate, best: (Int, Double)?) -> (Int, Double)? {
        let window = DegreeWindow(metres: radius, latitude: abs(p.y))
        let box = BoundingBox(minX: p.x - window.dLon, minY: p.y - window.dLat,
                              maxX: p.x + window.dLon, maxY: p.y + window.dLat)
        query &+= 1
        if query == 0 { stamp = [UInt32](repeating: 0, count: stamp.count); query = 1 }
        var candidates = best.map { [$0] } ?? []
        var minimum = best?.1 ?? .infinity
        let q = query
        index.cellSearchGrid.forEachCandidate(in: box) { c in
            guard stamp[c] != q else { return }
            stamp[c] = q
            guard index.cellShapes.boxes[c].intersects(box) else { return }
            let d = index.cellMetricShapes.distanceToRings(m.x, m.y, of: c)
            guard d <= minimum + Self.tieMetres else { return }
            candidates.append((c, d))
            minimum = min(minimum, d)
        }
        // Cells are sorted by code: the smallest index is the smallest code.
        return candidates.filter { $0.1 <= minimum + Self.tieMetres }.min { $0.0 < $1.0 }
    }
}
