/// The area and area centroid of planar polygons (projected metres, EPSG:4549), by the
/// shoelace formula: the one computation behind the cells' stored areas, the hot-spot sites
/// and the map's labels.
///
/// Each ring is taken relative to its first vertex (for precision with large projected
/// coordinates); a polygon's exterior adds and its holes subtract, whatever their
/// orientation; parts of a multipolygon add.
public struct AreaCentroid: Sendable, Equatable {
    /// The area (square units of the coordinates); holes subtracted.
    public var area: Double { areaSum }
    @usableFromInline var areaSum = 0.0
    @usableFromInline var weightedX = 0.0, weightedY = 0.0

    public init() {}

    /// Adds a closed ring (first vertex repeated last) of `count` vertices read through
    /// `vertex`: a hole subtracts. A ring of fewer than 4 vertices, or of zero or non-finite
    /// area, adds nothing.
    @inlinable
    public mutating func addRing(count: Int, hole: Bool, vertex: (Int) -> (x: Double, y: Double)) {
        guard count >= 4 else { return }
        let (ox, oy) = vertex(0)
        var a = 0.0, cx = 0.0, cy = 0.0
        var (x0, y0) = (0.0, 0.0)
        for i in 1 ..< count {
            let (vx, vy) = vertex(i)
            let x1 = vx - ox, y1 = vy - oy
            let cross = x0 * y1 - x1 * y0
            a += cross; cx += (x0 + x1) * cross; cy += (y0 + y1) * cross
            (x0, y0) = (x1, y1)
        }
        guard a != 0, a.isFinite else { return }
        let ringArea = abs(a) / 2
        add(area: hole ? -ringArea : ringArea, x: cx / (3 * a) + ox, y: cy / (3 * a) + oy)
    }

    /// Adds a part of known (signed) area and centroid: a cell to its street, say.
    @inlinable
    public mutating func add(area part: Double, x: Double, y: Double) {
        areaSum += part; weightedX += part * x; weightedY += part * y
    }

    /// The area centroid; NaN when the area is not positive.
    public var x: Double { area > 0 ? weightedX / area : .nan }
    public var y: Double { area > 0 ? weightedY / area : .nan }
}

extension Geometry {
    /// The planar area and area centroid of the polygons after `project` (to metres, say);
    /// nothing for points and lines.
    public func areaCentroid(projectedBy project: (Coordinate) -> Coordinate) -> AreaCentroid {
        var total = AreaCentroid()
        for polygon in polygons ?? [] {
            for (r, ring) in polygon.rings.enumerated() {
                let points = ring.points.map(project)
                total.addRing(count: points.count, hole: r > 0) { (points[$0].x, points[$0].y) }
            }
        }
        return total
    }
}
