import CGEOS

/// Why a geometry is invalid, and where (when GEOS can say).
public struct GeometryProblem: Equatable, Sendable, CustomStringConvertible {
    /// GEOS's reason (e.g. "Self-intersection", "Hole lies outside shell") or, for geometries
    /// GEOS cannot even build, ours (e.g. "exterior ring has 3 positions; …").
    public var reason: String
    /// The offending position, or nil when there is no meaningful one (empty rings,
    /// non-finite coordinates — a NaN here would make the problem unequal to itself).
    public var location: Coordinate?

    public init(reason: String, location: Coordinate? = nil) {
        self.reason = reason
        self.location = location
    }

    /// `"<reason> at (<x> <y>)"`, or just the reason without a location. Coordinates print the
    /// way Swift prints `Double` (full precision), e.g. "Self-intersection at (121.41 31.29)".
    public var description: String {
        location.map { "\(reason) at \($0)" } ?? reason
    }
}

/// Two polygonal geometries whose interiors share more than the minimum area.
public struct Overlap: Equatable, Sendable {
    /// Indices into the checked array, `first < second`.
    public var first: Int
    public var second: Int
    /// Area of their intersection, in the input's planar units squared.
    public var area: Double
    /// A point inside the intersection (`GEOSPointOnSurface_r`).
    public var location: Coordinate

    public init(first: Int, second: Int, area: Double, location: Coordinate) {
        self.first = first; self.second = second; self.area = area; self.location = location
    }
}

/// A region enclosed by the checked geometries that none of them covers.
public struct Gap: Equatable, Sendable {
    /// Uncovered area, in the input's planar units squared.
    public var area: Double
    /// A point inside the uncovered region (`GEOSPointOnSurface_r`).
    public var location: Coordinate

    public init(area: Double, location: Coordinate) {
        self.area = area; self.location = location
    }
}

/// A GEOS context handle (`GEOS_init_r` / `GEOS_finish_r`) with conversions from and to Wangge
/// geometries, answering the validity and topology questions the layer validator asks.
///
/// GEOS contexts are not thread-safe, so a checker must be used by one thread (or task) at a
/// time; make one per thread. Hence it is deliberately not `Sendable`. Every GEOS object a
/// call creates is destroyed before it returns.
public final class GeometryChecker {
    private let context = GEOSContext()

    public init() {}

    // MARK: Validity

    /// Nil when `geometry` is valid in the OGC sense (`GEOSisValidDetail_r`, no ESRI-style
    /// self-touching holes), otherwise the reason and location GEOS reports, e.g.
    /// "Self-intersection at (1.0 1.0)" for a bow-tie.
    ///
    /// Checked before GEOS sees the geometry (GEOS would refuse to build these, or reason
    /// about NaNs): non-finite coordinates; rings that are empty, have fewer than 4 positions
    /// or are not closed; line strings with fewer than 2 positions; empty multi geometries.
    /// Points and lines get the same GEOS check as polygons (e.g. "Too few points" for a
    /// line whose two positions coincide).
    public func validityProblem(of geometry: Geometry) -> GeometryProblem? {
        if let problem = Self.structuralProblem(of: geometry) { return problem }
        let g: GEOSGeometryHandle
        do { g = try context.makeGEOS(geometry) } catch {
            return GeometryProblem(reason: error.description)
        }
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        let result = GEOSisValidDetail_r(context.handle, g.pointer, 0, &reason, &location)
        defer {
            if let reason { GEOSFree_r(context.handle, reason) }
            if let location { GEOSGeom_destroy_r(context.handle, location) }
        }
        switch result {
        case 1:
            return nil
        case 0:
            let text = reason.map { String(cString: $0) } ?? "invalid geometry"
            let at = location.flatMap { GEOSisEmpty_r(context.handle, $0) == 0 ? context.coordinates(of: $0)?.first : nil }
            return GeometryProblem(reason: text, location: at)
        default:  // 2: GEOS threw
            return GeometryProblem(reason: "GEOS could not check validity: \(context.takeLastError() ?? "unknown error")")
        }
    }

    /// Problems GEOS cannot be asked about because it cannot build (or must not see) the geometry.
    static func structuralProblem(of geometry: Geometry) -> GeometryProblem? {
        for (i, c) in geometry.allCoordinates.enumerated() where !(c.x.isFinite && c.y.isFinite) {
            return GeometryProblem(reason: "non-finite coordinate \(c) at position \(i) of the \(geometry.typeName)")
        }
        func ring(_ r: LinearRing, _ name: String) -> GeometryProblem? {
            let pts = r.points
            guard let first = pts.first, let last = pts.last else {
                return GeometryProblem(reason: "\(name) is empty")
            }
            if pts.count < 4 {
                return GeometryProblem(
                    reason: "\(name) has \(pts.count) position\(pts.count == 1 ? "" : "s"); a closed ring needs at least 4", location: first)
            }
            if first != last {
                return GeometryProblem(reason: "\(name) is not closed: it starts at \(first) but ends at \(last)", location: first)
            }
            return nil
        }
        func polygon(_ p: Polygon, _ prefix: String) -> GeometryProblem? {
            if let problem = ring(p.exterior, prefix + "exterior ring") { return problem }
            for (i, h) in p.holes.enumerated() {
                if let problem = ring(h, prefix + "hole \(i)") { return problem }
            }
            return nil
        }
        func line(_ cs: [Coordinate], _ name: String) -> GeometryProblem? {
            cs.count >= 2
                ? nil
                : GeometryProblem(reason: "\(name) has \(cs.count) position\(cs.count == 1 ? "" : "s"); a line needs at least 2", location: cs.first)
        }
        switch geometry {
        case .point:
            return nil
        case .lineString(let cs):
            return line(cs, "line string")
        case .polygon(let p):
            return polygon(p, "")
        case .multiPoint(let cs):
            return cs.isEmpty ? GeometryProblem(reason: "MultiPoint has no points") : nil
        case .multiLineString(let ls):
            if ls.isEmpty { return GeometryProblem(reason: "MultiLineString has no lines") }
            for (i, l) in ls.enumerated() {
                if let problem = line(l, "line \(i)") { return problem }
            }
            return nil
        case .multiPolygon(let ps):
            if ps.isEmpty { return GeometryProblem(reason: "MultiPolygon has no polygons") }
            for (i, p) in ps.enumerated() {
                if let problem = polygon(p, "polygon \(i): ") { return problem }
            }
            return nil
        }
    }

    // MARK: Area

    /// Area of a polygonal geometry in planar units squared (`GEOSArea_r`: shells minus holes,
    /// as given — an invalid polygon is not repaired first). 0 for points and lines; NaN when
    /// the geometry cannot be built (see ``validityProblem(of:)``).
    public func area(of geometry: Geometry) -> Double {
        guard geometry.polygons != nil else { return 0 }
        guard Self.structuralProblem(of: geometry) == nil,
            let g = try? context.makeGEOS(geometry)
        else { return .nan }
        return g.area ?? .nan
    }

    // MARK: Topology

    /// The polygonal geometry as GEOS sees it for overlay work: nil for points, lines and
    /// geometries GEOS cannot build; an OGC-invalid one is repaired with `GEOSMakeValid_r`
    /// (overlay operations may throw on, or mis-measure, invalid input).
    private func overlayOperand(_ geometry: Geometry) -> GEOSGeometryHandle? {
        guard geometry.polygons != nil, Self.structuralProblem(of: geometry) == nil,
            let g = try? context.makeGEOS(geometry)
        else { return nil }
        if GEOSisValid_r(context.handle, g.pointer) == 1 { return g }
        return context.own(GEOSMakeValid_r(context.handle, g.pointer))
    }

    /// Pairs `(i, j)`, `i < j`, of polygonal geometries whose intersection has area
    /// `> minimumArea` (planar units squared; a negative minimum counts as 0, so shared edges
    /// and corners are never overlaps). Sorted by `first`, then `second`.
    ///
    /// Points, lines and geometries GEOS cannot build are skipped; invalid polygons are
    /// repaired with `GEOSMakeValid_r` first. Candidates come from a GEOS STRtree (so the
    /// cost grows with the number of neighbours, not quadratically), are dropped when their
    /// bounding boxes overlap by no more than `minimumArea` (which discards edge neighbours
    /// of a grid without touching GEOS), then by a prepared-geometry intersects test, and
    /// only then intersected. `location` is `GEOSPointOnSurface_r` of the intersection.
    public func overlaps(among geometries: [Geometry], minimumArea: Double) -> [Overlap] {
        let minimum = max(minimumArea, 0)
        let h = context.handle
        var operands: [(index: Int, geometry: GEOSGeometryHandle, box: BoundingBox)] = []
        for (i, g) in geometries.enumerated() {
            if let op = overlayOperand(g), let box = op.boundingBox { operands.append((i, op, box)) }
        }
        guard operands.count > 1, let tree = GEOSSTRtree_create_r(h, 10) else { return [] }
        // The tree and prepared geometries borrow the operands: destroy them first.
        defer { withExtendedLifetime(operands) {} }
        defer { GEOSSTRtree_destroy_r(h, tree) }
        for (k, op) in operands.enumerated() {
            // Items are positions in `operands`, offset by one so none is a null pointer.
            GEOSSTRtree_insert_r(h, tree, op.geometry.pointer, UnsafeMutableRawPointer(bitPattern: k + 1))
        }

        let hits = STRtreeHits()
        let hitsPointer = Unmanaged.passUnretained(hits).toOpaque()
        var result: [Overlap] = []
        for (k, a) in operands.enumerated() {
            hits.items.removeAll(keepingCapacity: true)
            GEOSSTRtree_query_r(
                h, tree, a.geometry.pointer,
                { item, userData in
                    guard let userData, let item else { return }
                    Unmanaged<STRtreeHits>.fromOpaque(userData).takeUnretainedValue().items.append(Int(bitPattern: item) - 1)
                }, hitsPointer)
            var prepared: OpaquePointer?
            defer { if let prepared { GEOSPreparedGeom_destroy_r(h, prepared) } }
            for m in hits.items.sorted() where m > k {
                let b = operands[m]
                // The intersection lies in the intersection of the boxes: a cheap upper bound.
                let w = min(a.box.maxX, b.box.maxX) - max(a.box.minX, b.box.minX)
                let hgt = min(a.box.maxY, b.box.maxY) - max(a.box.minY, b.box.minY)
                guard w > 0, hgt > 0, w * hgt > minimum else { continue }
                if prepared == nil { prepared = GEOSPrepare_r(h, a.geometry.pointer) }
                if let prepared, GEOSPreparedIntersects_r(h, prepared, b.geometry.pointer) != 1 { continue }
                guard let common = context.own(GEOSIntersection_r(h, a.geometry.pointer, b.geometry.pointer)),
                    let area = common.area, area > minimum,
                    let location = common.pointOnSurface
                else { continue }
                result.append(Overlap(first: a.index, second: b.index, area: area, location: location))
            }
        }
        return result
    }

    /// Holes in the union (`GEOSUnaryUnion_r`) of the polygonal geometries that are larger than
    /// `minimumArea` (planar units squared; negative counts as 0): regions enclosed by the
    /// geometries that none of them covers. A bay open to the outside is not a gap. When other
    /// geometries lie inside a hole (islands), only the uncovered part counts: the area is
    /// the hole minus the islands and the location avoids them. Points, lines and geometries
    /// GEOS cannot build are ignored; invalid polygons are repaired first. Sorted by location
    /// (x, then y) so results are stable.
    ///
    /// `gridSize` > 0 unions on that precision grid (`GEOSUnaryUnionPrec_r`): neighbours whose
    /// shared vertices differ by less than it (rounding in the source data) then close up, so
    /// a slit one ulp wide cannot connect a hole to the outside and hide it.
    public func gaps(in geometries: [Geometry], minimumArea: Double, gridSize: Double = 0) -> [Gap] {
        let minimum = max(minimumArea, 0)
        let h = context.handle
        let operands = geometries.compactMap(overlayOperand)
        guard !operands.isEmpty, let union = context.unaryUnion(of: operands, gridSize: gridSize) else { return [] }
        defer { withExtendedLifetime(union) {} }  // `components` are borrowed from it
        let components = context.polygons(in: union.pointer)
        // Shell-only copies of the components, to subtract islands from the holes around them.
        let shells: [(polygon: GEOSGeometryHandle, box: BoundingBox)] = components.compactMap { c in
            guard let ring = GEOSGetExteriorRing_r(h, c), let shell = context.makePolygon(copying: ring),
                let box = shell.boundingBox
            else { return nil }
            return (shell, box)
        }

        var result: [Gap] = []
        for (k, component) in components.enumerated() {
            for r in 0 ..< max(GEOSGetNumInteriorRings_r(h, component), 0) {
                guard let ring = GEOSGetInteriorRingN_r(h, component, r),
                    var region = context.makePolygon(copying: ring),
                    let holeBox = region.boundingBox
                else { continue }
                // Islands: other components whose box lies in the hole's box. Subtracting a
                // shell that is not actually inside this hole leaves the region unchanged.
                for (m, island) in shells.enumerated()
                where m != k
                    && island.box.minX >= holeBox.minX && island.box.maxX <= holeBox.maxX
                    && island.box.minY >= holeBox.minY && island.box.maxY <= holeBox.maxY
                {
                    guard let rest = context.own(GEOSDifference_r(h, region.pointer, island.polygon.pointer)) else { continue }
                    region = rest
                }
                guard let area = region.area, area > minimum, let location = region.pointOnSurface else { continue }
                result.append(Gap(area: area, location: location))
            }
        }
        return result.sorted { ($0.location.x, $0.location.y) < ($1.location.x, $1.location.y) }
    }
}

extension GeometryChecker {
    /// The union of polygonal geometries (GEOS unary union, exact: shared edges dissolve,
    /// nothing is snapped), e.g. a community or street drawn from its cells. Nil when GEOS
    /// cannot build or combine them.
    public func union(of geometries: [Geometry]) -> Geometry? {
        let operands = geometries.compactMap { try? context.makeGEOS($0) }
        guard !operands.isEmpty, let union = context.unaryUnion(of: operands) else { return nil }
        return union.wanggeGeometry
    }
}

@available(*, unavailable, message: "GEOS contexts are not thread-safe: make one GeometryChecker per thread")
extension GeometryChecker: Sendable {}

/// Collects STRtree query results (the C callback cannot capture).
private final class STRtreeHits {
    var items: [Int] = []
}
