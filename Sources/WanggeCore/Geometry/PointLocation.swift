/// Where a point lies relative to a closed polygonal area, in the DE-9IM sense used by
/// GEOS and PostGIS: interior, boundary (on any ring, vertices included) or exterior.
/// "Covers" (PostGIS `ST_Covers`) is `interior` or `boundary`.
public enum PointLocation: UInt8, Sendable {
    case exterior = 0
    case boundary = 1
    case interior = 2

    /// True when a closed area covers the point (boundary included).
    @inlinable public var isCovered: Bool { self != .exterior }
}

/// Polygonal features (cells, zones, polygonal inspection points) flattened into contiguous
/// arrays for fast, exact point location.
///
/// Semantics, stated once for all of Wangge:
/// - A point on any ring (exterior or hole, vertices included) is on the `boundary`.
/// - Inside the exterior and outside every hole is `interior`; inside a hole is `exterior`.
/// - A multipolygon takes the best answer among its parts (`interior` > `boundary` > `exterior`).
/// - Decisions use exact coordinate comparisons and the exact ``orientation(_:_:_:_:_:_:)``
///   predicate: no tolerance, no division, so a point exactly on a shared edge is found on
///   the boundary of both cells, and a point one ulp off it is inside exactly one.
/// Ring orientation does not matter.
public struct FlatPolygons: Sendable {
    @usableFromInline var xs: [Double] = []
    @usableFromInline var ys: [Double] = []
    /// Ring r spans `ringStart[r] ..< ringStart[r + 1]` in xs/ys (closing vertex included).
    @usableFromInline var ringStart: [Int32] = [0]
    /// Polygon g spans rings `polygonStart[g] ..< polygonStart[g + 1]`; the first is the exterior.
    @usableFromInline var polygonStart: [Int32] = [0]
    /// Feature f spans polygons `featureStart[f] ..< featureStart[f + 1]`.
    @usableFromInline var featureStart: [Int32] = [0]
    /// Bounding box of each feature.
    public private(set) var boxes: [BoundingBox] = []
    /// For a feature of one polygon without holes (nearly every cell), its ring's span in
    /// xs/ys as `start | end << 32`; -1 for any other. A point in an undecided pixel is tested
    /// against a few cells, each a chain of dependent reads from memory: this one read stands
    /// for three (feature → polygon → ring), and is made beside the box's.
    @usableFromInline var singleRing: [Int64] = []

    public init() {}

    /// The number of features.
    public var count: Int { boxes.count }

    /// Appends a feature made of `polygons` and returns its index.
    @discardableResult
    public mutating func append(_ polygons: [Polygon]) -> Int {
        var box: BoundingBox?
        for polygon in polygons {
            for ring in polygon.rings {
                for c in ring.points {
                    xs.append(c.x); ys.append(c.y)
                    if box == nil { box = BoundingBox(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { box!.include(c) }
                }
                ringStart.append(Int32(xs.count))
            }
            polygonStart.append(Int32(ringStart.count - 1))
        }
        featureStart.append(Int32(polygonStart.count - 1))
        boxes.append(box ?? BoundingBox(minX: .nan, minY: .nan, maxX: .nan, maxY: .nan))
        let rings = ringStart.count - 1
        singleRing.append(
            polygons.count == 1 && polygons[0].rings.count == 1
                ? Int64(ringStart[rings - 1]) | Int64(ringStart[rings]) << 32 : -1)
        return boxes.count - 1
    }

    /// Locates `(px, py)` relative to feature `feature`.
    @inlinable
    public func locate(_ px: Double, _ py: Double, in feature: Int) -> PointLocation {
        guard boxes[feature].contains(Coordinate(px, py)) else { return .exterior }
        let span = singleRing[feature]
        if span >= 0 { return locateInRing(px, py, start: Int(span & 0xFFFF_FFFF), end: Int(span >> 32)) }
        var best = PointLocation.exterior
        for g in Int(featureStart[feature]) ..< Int(featureStart[feature + 1]) {
            let firstRing = Int(polygonStart[g]), endRing = Int(polygonStart[g + 1])
            var location = locateInRing(px, py, ring: firstRing)
            if location == .interior {
                for hole in (firstRing + 1) ..< endRing {
                    let inHole = locateInRing(px, py, ring: hole)
                    if inHole == .boundary { location = .boundary; break }
                    if inHole == .interior { location = .exterior; break }
                }
            }
            if location.rawValue > best.rawValue {
                best = location
                if best == .interior { return best }
            }
        }
        return best
    }

    /// Crossing-number test with an exact on-edge check. A ray from the point towards +x
    /// crosses an edge when the edge straddles the horizontal line through the point
    /// (half-open rule: one endpoint strictly above) and the point lies strictly left of the
    /// edge directed upwards.
    @inlinable
    func locateInRing(_ px: Double, _ py: Double, ring: Int) -> PointLocation {
        locateInRing(px, py, start: Int(ringStart[ring]), end: Int(ringStart[ring + 1]))
    }

    /// ``locateInRing(_:_:ring:)`` for the ring at `start ..< end` in xs/ys.
    @inlinable
    func locateInRing(_ px: Double, _ py: Double, start: Int, end: Int) -> PointLocation {
        guard end - start >= 2 else { return .exterior }
        var inside = false
        return xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                var ax = x[start], ay = y[start]
                for i in (start + 1) ..< end {
                    let bx = x[i], by = y[i]
                    let aAbove = ay > py, bAbove = by > py
                    if aAbove != bAbove {
                        // The edge straddles the line y = py.
                        let minX = ax < bx ? ax : bx, maxX = ax < bx ? bx : ax
                        if px < minX {
                            inside.toggle()
                        } else if px <= maxX {
                            let o = orientation(ax, ay, bx, by, px, py)
                            if o == 0 { return .boundary }
                            // Upward edge (b above): crossing to the right when p is left (o > 0).
                            if (o > 0) == bAbove { inside.toggle() }
                        }
                    } else if !aAbove && (ay == py || by == py) {
                        // Both endpoints at or below the line and one exactly on it: the point
                        // can only be on this edge (a horizontal edge or an endpoint).
                        let minX = ax < bx ? ax : bx, maxX = ax < bx ? bx : ax
                        if px >= minX && px <= maxX && orientation(ax, ay, bx, by, px, py) == 0 {
                            return .boundary
                        }
                    }
                    ax = bx; ay = by
                }
                return inside ? .interior : .exterior
            }
        }
    }

    /// The smallest planar distance from `(px, py)` to the rings of `feature`, in the units of
    /// the stored coordinates (Wangge stores metric copies for distances).
    public func distanceToRings(_ px: Double, _ py: Double, of feature: Int) -> Double {
        var best = Double.infinity
        let firstRing = Int(polygonStart[Int(featureStart[feature])])
        let endRing = Int(polygonStart[Int(featureStart[feature + 1])])
        for r in firstRing ..< endRing {
            let start = Int(ringStart[r]), end = Int(ringStart[r + 1])
            if end - start == 1 { best = min(best, hypot2(px - xs[start], py - ys[start])); continue }
            for i in start ..< (end - 1) {
                best = min(best, segmentDistanceSquared(px, py, xs[i], ys[i], xs[i + 1], ys[i + 1]))
            }
        }
        return best.squareRoot()
    }

    /// A copy of the features with every coordinate transformed (used to make metric copies).
    public func mapCoordinates(_ transform: (inout [Coordinate]) -> Void) -> FlatPolygons {
        var copy = self
        var cs = zip(xs, ys).map { Coordinate($0, $1) }
        transform(&cs)
        copy.xs = cs.map(\.x)
        copy.ys = cs.map(\.y)
        copy.boxes = (0 ..< count).map { f in
            let first = Int(ringStart[Int(polygonStart[Int(featureStart[f])])])
            let end = Int(ringStart[Int(polygonStart[Int(featureStart[f + 1])])])
            return BoundingBox(cs[first ..< end]) ?? boxes[f]
        }
        return copy
    }
}

@inline(__always) func hypot2(_ dx: Double, _ dy: Double) -> Double { dx * dx + dy * dy }

/// Squared distance from p to the segment ab.
@inline(__always)
func segmentDistanceSquared(
    _ px: Double, _ py: Double, _ ax: Double, _ ay: Double,
    _ bx: Double, _ by: Double
) -> Double {
    let dx = bx - ax, dy = by - ay
    let lengthSquared = dx * dx + dy * dy
    var t = lengthSquared > 0 ? ((px - ax) * dx + (py - ay) * dy) / lengthSquared : 0
    t = max(0, min(1, t))
    return hypot2(px - (ax + t * dx), py - (ay + t * dy))
}
