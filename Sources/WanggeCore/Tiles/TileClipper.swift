import CGEOS

/// Turns a WGS84 geometry into a tile's geometry: projected to the tile's grid, clipped to the
/// tile grown by a buffer (so strokes and fills join seamlessly across tiles), snapped to
/// integer units and simplified for the zoom — vertices that would move the outline by less
/// than ``tolerance`` units (a fraction of a screen pixel) are dropped — with polygons kept
/// valid for renderers: rings that collapse are dropped, exteriors have positive area in tile
/// coordinates (clockwise on screen, y down) and holes negative, as MVT 2.1 requires.
/// Polygons are cut by GEOS's rectangle clip (`GEOSClipByRect`), which splits a concave
/// polygon leaving and re-entering the tile into separate valid parts (a ring-walking clip
/// would join them by zero-width bridges along the tile's edge). One clipper serves one
/// thread (it holds a GEOS context).
public struct TileClipper {
    public let tile: TileAddress
    public let extent: Int
    public let buffer: Int
    /// Douglas–Peucker tolerance in tile units.
    public let tolerance: Double
    /// The lon/lat box of the tile and its buffer: geometries whose box misses it are skipped.
    public let bounds: BoundingBox
    private let geos = GEOSContext()

    /// 64 units of buffer (1/64 of the tile); tolerance 4 units: half a pixel of a 512-pixel
    /// rendering of a 4096-unit tile.
    public init(tile: TileAddress, extent: Int = VectorTile.defaultExtent, buffer: Int = 64, tolerance: Double = 4) {
        self.tile = tile
        self.extent = extent
        self.buffer = buffer
        self.tolerance = tolerance
        bounds = tile.bounds(buffer: buffer, extent: extent)
    }

    private typealias P = (x: Double, y: Double)

    /// The geometry in this tile, or nil when nothing of it is left there.
    public func clip(_ geometry: Geometry) -> TileGeometry? {
        guard let box = geometry.boundingBox, box.intersects(bounds) else { return nil }
        switch geometry {
        case .point(let c): return points([c])
        case .multiPoint(let cs): return points(cs)
        case .lineString(let line): return lines([line])
        case .multiLineString(let ls): return lines(ls)
        case .polygon(let p): return polygons([p])
        case .multiPolygon(let ps): return polygons(ps)
        }
    }

    private var low: Double { -Double(buffer) }
    private var high: Double { Double(extent + buffer) }

    private func project(_ c: Coordinate) -> P { tile.project(c, extent: extent) }

    private func snap(_ p: P) -> TilePoint { TilePoint(Int32(p.x.rounded()), Int32(p.y.rounded())) }

    private func points(_ cs: [Coordinate]) -> TileGeometry? {
        let kept = cs.map(project).filter { $0.x >= low && $0.x <= high && $0.y >= low && $0.y <= high }.map(snap)
        return kept.isEmpty ? nil : .points(kept)
    }

    private func lines(_ ls: [[Coordinate]]) -> TileGeometry? {
        var out: [[TilePoint]] = []
        for line in ls {
            for part in clipLine(line.map(project)) {
                let simplified = simplify(dedupe(part.map(snap)))
                if simplified.count >= 2 { out.append(simplified) }
            }
        }
        return out.isEmpty ? nil : .lines(out)
    }

    private func polygons(_ ps: [Polygon]) -> TileGeometry? {
        var out: [[TilePoint]] = []
        for polygon in ps {
            for piece in clip(polygon) {
                guard var exterior = ring(piece.exterior.points) else { continue }
                if area(exterior) < 0 { exterior.reverse() }
                out.append(exterior)
                for hole in piece.holes {
                    guard var h = ring(hole.points) else { continue }
                    if area(h) > 0 { h.reverse() }
                    out.append(h)
                }
            }
        }
        return out.isEmpty ? nil : .polygons(out)
    }

    /// The polygon in tile coordinates, cut to the buffered tile: itself when inside it,
    /// else the parts GEOS's rectangle clip leaves (none when the input is unusable).
    private func clip(_ polygon: Polygon) -> [Polygon] {
        func projected(_ r: LinearRing) -> LinearRing {
            LinearRing(
                r.points.map {
                    let p = project($0); return Coordinate(p.x, p.y)
                })
        }
        let inTile = Polygon(exterior: projected(polygon.exterior), holes: polygon.holes.map(projected))
        guard let box = BoundingBox(inTile.exterior.points) else { return [] }
        if box.minX >= low && box.maxX <= high && box.minY >= low && box.maxY <= high { return [inTile] }
        guard let g = try? geos.makeGEOS(.polygon(inTile)),
            let cut = geos.own(GEOSClipByRect_r(geos.handle, g.pointer, low, low, high, high)),
            let parts = geos.wanggeGeometry(cut.pointer)?.polygons
        else { return [] }
        return parts
    }

    /// A ring (already inside the buffered tile) snapped and simplified, without its closing
    /// point; nil when it collapses (fewer than 3 distinct vertices, or no area).
    private func ring(_ points: [Coordinate]) -> [TilePoint]? {
        var snapped = dedupe(points.map { snap((x: $0.x, y: $0.y)) })
        while snapped.count > 1 && snapped.first == snapped.last { snapped.removeLast() }
        guard snapped.count >= 3 else { return nil }
        // Simplified as a closed path from its first vertex back to it.
        var simplified = simplify(snapped + [snapped[0]])
        simplified.removeLast()
        guard simplified.count >= 3, area(simplified) != 0 else { return nil }
        return simplified
    }

    /// Twice the signed area by the surveyor's formula, in tile coordinates.
    func area(_ ring: [TilePoint]) -> Int64 {
        var sum: Int64 = 0
        for i in ring.indices {
            let a = ring[i], b = ring[(i + 1) % ring.count]
            sum += Int64(a.x) * Int64(b.y) - Int64(b.x) * Int64(a.y)
        }
        return sum
    }

    /// Liang–Barsky per segment: the parts of the line inside the buffered tile.
    private func clipLine(_ line: [P]) -> [[P]] {
        var parts: [[P]] = []
        var current: [P] = []
        for i in line.indices.dropLast() {
            let a = line[i], b = line[i + 1]
            guard let (s, e) = clipSegment(a, b) else {
                if !current.isEmpty { parts.append(current); current = [] }
                continue
            }
            if current.isEmpty { current.append(s) }
            current.append(e)
            if e != b { parts.append(current); current = [] }  // left the window
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    private func clipSegment(_ a: P, _ b: P) -> (P, P)? {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        for (p, q) in [(-dx, a.x - low), (dx, high - a.x), (-dy, a.y - low), (dy, high - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; t0 = max(t0, r) } else { if r < t0 { return nil }; t1 = min(t1, r) }
            }
        }
        let s: P = t0 == 0 ? a : (x: a.x + t0 * dx, y: a.y + t0 * dy)
        let e: P = t1 == 1 ? b : (x: a.x + t1 * dx, y: a.y + t1 * dy)
        return (s, e)
    }

    private func dedupe(_ pts: [TilePoint]) -> [TilePoint] {
        var out: [TilePoint] = []
        out.reserveCapacity(pts.count)
        for p in pts where out.last != p { out.append(p) }
        return out
    }

    /// Douglas–Peucker with ``tolerance``, keeping both ends.
    private func simplify(_ pts: [TilePoint]) -> [TilePoint] {
        guard pts.count > 2, tolerance > 0 else { return pts }
        var keep = [Bool](repeating: false, count: pts.count)
        keep[0] = true; keep[pts.count - 1] = true
        var stack = [(0, pts.count - 1)]
        let limit = tolerance * tolerance
        while let (first, last) = stack.popLast() {
            guard last > first + 1 else { continue }
            var farthest = -1, distance = -1.0
            for i in (first + 1) ..< last {
                let d = squaredDistance(pts[i], pts[first], pts[last])
                if d > distance { distance = d; farthest = i }
            }
            if distance > limit {
                keep[farthest] = true
                stack.append((first, farthest)); stack.append((farthest, last))
            }
        }
        return pts.indices.filter { keep[$0] }.map { pts[$0] }
    }

    /// The squared distance from `p` to the segment `a`–`b`.
    private func squaredDistance(_ p: TilePoint, _ a: TilePoint, _ b: TilePoint) -> Double {
        let (px, py) = (Double(p.x), Double(p.y)), (ax, ay) = (Double(a.x), Double(a.y))
        let dx = Double(b.x) - ax, dy = Double(b.y) - ay
        let length = dx * dx + dy * dy
        var t = length == 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / length
        t = min(1, max(0, t))
        let (ex, ey) = (ax + t * dx - px, ay + t * dy - py)
        return ex * ex + ey * ey
    }
}
