import CGEOS

// The plumbing between Wangge geometries and GEOS (reentrant `_r` API only).
//
// Ownership rules, as GEOS 3.11 implements them:
//  - every `GEOSGeometry*` returned by a `create*`/operation function is ours to destroy;
//  - `GEOSGeom_createLinearRing_r` takes the coordinate sequence, `GEOSGeom_createPolygon_r`
//    the shell and the holes (not the array holding them), `GEOSGeom_createCollection_r`
//    the members — even when they fail and return NULL;
//  - `GEOSGetExteriorRing_r`, `GEOSGetInteriorRingN_r`, `GEOSGetGeometryN_r` and
//    `GEOSGeom_getCoordSeq_r` return pointers into their parent: never destroy those.
// Everything we own lives in a `GEOSGeometryHandle`, which destroys it in `deinit`; the
// handle keeps its `GEOSContext` alive, so no geometry outlives the context that made it.

/// One GEOS context (`GEOS_init_r` … `GEOS_finish_r`). Not thread-safe: GEOS requires a
/// context to be used by one thread at a time.
final class GEOSContext {
    let handle: GEOSContextHandle_t
    /// GEOS reports exceptions through the error handler before returning NULL / 2.
    private let errors = GEOSErrorLog()

    init() {
        guard let handle = GEOS_init_r() else { fatalError("GEOS_init_r failed (out of memory)") }
        self.handle = handle
        _ = GEOSContext_setErrorMessageHandler_r(
            handle,
            { message, userData in
                guard let userData else { return }
                let log = Unmanaged<GEOSErrorLog>.fromOpaque(userData).takeUnretainedValue()
                log.last = message.map { String(cString: $0) }
            }, Unmanaged.passUnretained(errors).toOpaque())
        // Notices (e.g. "Self-intersection at or near point …" from older code paths) are noise.
        _ = GEOSContext_setNoticeMessageHandler_r(handle, nil, nil)
    }

    deinit { GEOS_finish_r(handle) }

    /// The message of the last GEOS exception, cleared by reading it.
    func takeLastError() -> String? {
        defer { errors.last = nil }
        return errors.last
    }

    /// Wraps a GEOS geometry we own; nil in, nil out (GEOS returns NULL on exception).
    func own(_ pointer: OpaquePointer?) -> GEOSGeometryHandle? {
        pointer.map { GEOSGeometryHandle(context: self, pointer: $0) }
    }
}

private final class GEOSErrorLog {
    var last: String?
}

/// An owned `GEOSGeometry*`, destroyed with `GEOSGeom_destroy_r` unless `release()`d
/// (used when a GEOS constructor takes ownership).
final class GEOSGeometryHandle {
    let context: GEOSContext
    private(set) var pointer: OpaquePointer
    private var owned = true

    fileprivate init(context: GEOSContext, pointer: OpaquePointer) {
        self.context = context
        self.pointer = pointer
    }

    deinit {
        if owned { GEOSGeom_destroy_r(context.handle, pointer) }
    }

    /// Gives up ownership: the caller (or the GEOS function it passes the pointer to) now owns it.
    func release() -> OpaquePointer {
        precondition(owned, "GEOS geometry released twice")
        owned = false
        return pointer
    }

    var typeID: Int32 { GEOSGeomTypeId_r(context.handle, pointer) }

    var isEmpty: Bool { GEOSisEmpty_r(context.handle, pointer) == 1 }

    /// `GEOSArea_r`: the planar area (0 for points and lines), or nil on a GEOS exception.
    var area: Double? {
        var a = 0.0
        return GEOSArea_r(context.handle, pointer, &a) == 1 ? a : nil
    }

    /// The envelope (`GEOSGeom_getExtent_r`, GEOS ≥ 3.11), nil for an empty geometry.
    var boundingBox: BoundingBox? {
        if isEmpty { return nil }
        var b = BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0)
        guard GEOSGeom_getExtent_r(context.handle, pointer, &b.minX, &b.minY, &b.maxX, &b.maxY) == 1 else { return nil }
        return b
    }

    /// A point guaranteed to lie in the geometry (`GEOSPointOnSurface_r`), nil when empty.
    var pointOnSurface: Coordinate? {
        guard !isEmpty, let p = context.own(GEOSPointOnSurface_r(context.handle, pointer)), !p.isEmpty else { return nil }
        return p.pointCoordinate
    }

    /// The coordinate of a (non-empty) point.
    var pointCoordinate: Coordinate? {
        var x = 0.0, y = 0.0
        guard GEOSGeomGetX_r(context.handle, pointer, &x) == 1,
            GEOSGeomGetY_r(context.handle, pointer, &y) == 1
        else { return nil }
        return Coordinate(x, y)
    }

    func clone() -> GEOSGeometryHandle? { context.own(GEOSGeom_clone_r(context.handle, pointer)) }
}

// MARK: - Wangge → GEOS

/// Why a geometry could not be handed to GEOS. `validityProblem(of:)` checks for all of these
/// first, so reaching GEOS with one means a bug or an exhausted GEOS (message included).
struct GEOSConversionError: Error, CustomStringConvertible {
    var description: String
}

extension GEOSContext {
    /// Builds the GEOS geometry for `geometry`. Call `structuralProblem(of:)` first: GEOS
    /// refuses rings with 1–3 positions or that are not closed (and would carry NaNs along).
    func makeGEOS(_ geometry: Geometry) throws(GEOSConversionError) -> GEOSGeometryHandle {
        switch geometry {
        case .point(let c):
            return try own(check(GEOSGeom_createPointFromXY_r(handle, c.x, c.y), "point"))
        case .lineString(let cs):
            return try own(makeLineString(cs))
        case .polygon(let p):
            return try own(makePolygon(p))
        case .multiPoint(let cs):
            return try own(
                makeCollection(
                    GEOS_MULTIPOINT,
                    cs.map { c throws(GEOSConversionError) in
                        try check(GEOSGeom_createPointFromXY_r(handle, c.x, c.y), "point")
                    }))
        case .multiLineString(let ls):
            return try own(makeCollection(GEOS_MULTILINESTRING, ls.map { l throws(GEOSConversionError) in try makeLineString(l) }))
        case .multiPolygon(let ps):
            return try own(makeCollection(GEOS_MULTIPOLYGON, ps.map { p throws(GEOSConversionError) in try makePolygon(p) }))
        }
    }

    private func own(_ pointer: OpaquePointer) -> GEOSGeometryHandle { own(Optional(pointer))! }

    private func check(_ pointer: OpaquePointer?, _ what: String) throws(GEOSConversionError) -> OpaquePointer {
        guard let pointer else {
            throw GEOSConversionError(description: "GEOS could not build the \(what): \(takeLastError() ?? "unknown error")")
        }
        return pointer
    }

    private func makeSequence(_ points: [Coordinate]) throws(GEOSConversionError) -> OpaquePointer {
        guard points.count <= Int(UInt32.max) else { throw GEOSConversionError(description: "too many positions") }
        let seq = try check(GEOSCoordSeq_create_r(handle, UInt32(points.count), 2), "coordinate sequence")
        for (i, p) in points.enumerated() where GEOSCoordSeq_setXY_r(handle, seq, UInt32(i), p.x, p.y) == 0 {
            GEOSCoordSeq_destroy_r(handle, seq)
            throw GEOSConversionError(description: "GEOS could not set position \(i): \(takeLastError() ?? "unknown error")")
        }
        return seq
    }

    private func makeLineString(_ points: [Coordinate]) throws(GEOSConversionError) -> OpaquePointer {
        let seq = try makeSequence(points)
        return try check(GEOSGeom_createLineString_r(handle, seq), "line string")  // takes `seq`
    }

    private func makeRing(_ points: [Coordinate]) throws(GEOSConversionError) -> OpaquePointer {
        let seq = try makeSequence(points)
        return try check(GEOSGeom_createLinearRing_r(handle, seq), "linear ring")  // takes `seq`
    }

    private func makePolygon(_ polygon: Polygon) throws(GEOSConversionError) -> OpaquePointer {
        let shell = try makeRing(polygon.exterior.points)
        var holes: [OpaquePointer?] = []
        holes.reserveCapacity(polygon.holes.count)
        do {
            for h in polygon.holes { holes.append(try makeRing(h.points)) }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            for h in holes { GEOSGeom_destroy_r(handle, h) }
            throw error
        }
        let made = holes.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createPolygon_r(handle, shell, buffer.baseAddress, UInt32(buffer.count))  // takes shell + holes
        }
        return try check(made, "polygon")
    }

    /// Takes ownership of `members` (GEOS does, once they are passed in).
    private func makeCollection(_ type: GEOSGeomTypes, _ members: [OpaquePointer]) throws(GEOSConversionError) -> OpaquePointer {
        var geoms: [OpaquePointer?] = members
        let made = geoms.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createCollection_r(handle, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count))
        }
        return try check(made, "collection")
    }

    /// A GEOMETRYCOLLECTION owning `members` (each is released into it).
    func makeCollection(of members: [GEOSGeometryHandle]) -> GEOSGeometryHandle? {
        var geoms: [OpaquePointer?] = members.map { $0.release() }
        return own(
            geoms.withUnsafeMutableBufferPointer { buffer in
                GEOSGeom_createCollection_r(handle, Int32(GEOS_GEOMETRYCOLLECTION.rawValue), buffer.baseAddress, UInt32(buffer.count))
            })
    }

    /// `GEOSUnaryUnion_r` of `members` (which it consumes).
    func unaryUnion(of members: [GEOSGeometryHandle], gridSize: Double = 0) -> GEOSGeometryHandle? {
        guard let collection = makeCollection(of: members) else { return nil }
        if gridSize > 0 { return own(GEOSUnaryUnionPrec_r(handle, collection.pointer, gridSize)) }
        return own(GEOSUnaryUnion_r(handle, collection.pointer))
    }

    /// A polygon whose shell is a copy of `ring` (a LinearRing owned by someone else).
    func makePolygon(copying ring: OpaquePointer) -> GEOSGeometryHandle? {
        guard let shell = GEOSGeom_clone_r(handle, ring) else { return nil }
        return own(GEOSGeom_createPolygon_r(handle, shell, nil, 0))
    }
}

// MARK: - GEOS → Wangge

extension GEOSGeometryHandle {
    /// The Wangge geometry for this GEOS geometry: points, lines, polygons and their multi
    /// forms. Nil for empty geometries, heterogeneous collections and Z/M-only oddities.
    var wanggeGeometry: Geometry? { context.wanggeGeometry(pointer) }
}

extension GEOSContext {
    func parts(of g: OpaquePointer) -> [OpaquePointer] {
        let type = GEOSGeomTypeId_r(handle, g)
        guard type >= Int32(GEOS_MULTIPOINT.rawValue) && type <= Int32(GEOS_GEOMETRYCOLLECTION.rawValue) else { return [g] }
        let n = GEOSGetNumGeometries_r(handle, g)
        return (0 ..< max(n, 0)).compactMap { GEOSGetGeometryN_r(handle, g, $0) }
    }

    /// Every polygon in `g`, descending into multi geometries and collections (borrowed).
    func polygons(in g: OpaquePointer) -> [OpaquePointer] {
        let type = GEOSGeomTypeId_r(handle, g)
        if type == Int32(GEOS_POLYGON.rawValue) { return GEOSisEmpty_r(handle, g) == 1 ? [] : [g] }
        if type == Int32(GEOS_MULTIPOLYGON.rawValue) || type == Int32(GEOS_GEOMETRYCOLLECTION.rawValue) {
            return parts(of: g).flatMap { polygons(in: $0) }
        }
        return []
    }

    /// The positions of a point, line string or ring (borrowed pointer).
    func coordinates(of g: OpaquePointer) -> [Coordinate]? {
        guard let seq = GEOSGeom_getCoordSeq_r(handle, g) else { return nil }
        var size: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(handle, seq, &size) == 1 else { return nil }
        var out: [Coordinate] = []
        out.reserveCapacity(Int(size))
        for i in 0 ..< size {
            var x = 0.0, y = 0.0
            guard GEOSCoordSeq_getXY_r(handle, seq, i, &x, &y) == 1 else { return nil }
            out.append(Coordinate(x, y))
        }
        return out
    }

    func wanggePolygon(_ g: OpaquePointer) -> Polygon? {
        guard GEOSisEmpty_r(handle, g) == 0,
            let shell = GEOSGetExteriorRing_r(handle, g),
            let exterior = coordinates(of: shell)
        else { return nil }
        let n = GEOSGetNumInteriorRings_r(handle, g)
        var holes: [LinearRing] = []
        for i in 0 ..< max(n, 0) {
            guard let ring = GEOSGetInteriorRingN_r(handle, g, i), let pts = coordinates(of: ring) else { return nil }
            holes.append(LinearRing(pts))
        }
        return Polygon(exterior: LinearRing(exterior), holes: holes)
    }

    func wanggeGeometry(_ g: OpaquePointer) -> Geometry? {
        guard GEOSisEmpty_r(handle, g) == 0 else { return nil }
        switch UInt32(GEOSGeomTypeId_r(handle, g)) {
        case GEOS_POINT.rawValue:
            return coordinates(of: g)?.first.map { .point($0) }
        case GEOS_LINESTRING.rawValue, GEOS_LINEARRING.rawValue:
            return coordinates(of: g).map { .lineString($0) }
        case GEOS_POLYGON.rawValue:
            return wanggePolygon(g).map { .polygon($0) }
        case GEOS_MULTIPOINT.rawValue:
            let cs = parts(of: g).compactMap { coordinates(of: $0)?.first }
            return .multiPoint(cs)
        case GEOS_MULTILINESTRING.rawValue:
            return .multiLineString(parts(of: g).compactMap { coordinates(of: $0) })
        case GEOS_MULTIPOLYGON.rawValue:
            return .multiPolygon(parts(of: g).compactMap { wanggePolygon($0) })
        default:
            return nil
        }
    }
}
