import CPROJ
import Foundation

/// A PROJ transformation between two CRSs, in GIS axis order (x = longitude or easting,
/// y = latitude or northing) whatever the CRS definitions say, because Wangge's
/// ``Coordinate`` is always lon/lat or easting/northing (the transformation is passed through
/// `proj_normalize_for_visualization`).
///
/// Owns its own `PJ_CONTEXT`, so separate instances may be used on separate threads; a single
/// instance is not thread-safe: create one per thread (or per worker).
///
/// The first transformation between two CRSs in a process looks them up in PROJ's database
/// (about 35 ms on this machine, each time); it is kept as a prototype that no thread
/// transforms with, and every later one is a `proj_clone` of it with a context of its own
/// (well under a millisecond). A clone is the same operation: the same numbers, to the bit,
/// which the tests check.
///
/// When the operation is PROJ's `unitconvert` from degrees to radians followed by one
/// transverse Mercator or UTM step alone (WGS84 → EPSG:4549 is `unitconvert` then `tmerc`),
/// forward transformations call that step directly, after multiplying by the factor
/// `unitconvert` multiplies by: PROJ then runs the same code on the same radians, so the
/// numbers and failures are the same to the bit (the tests compare the two on points worldwide
/// and out of range), without the pipeline's dispatch (~50 of ~215 ns a point here).
public final class ProjTransform {
    private let context: OpaquePointer
    private let pj: OpaquePointer
    /// The operation's step after its degrees-to-radians conversion, taking radians, when
    /// that is the whole operation (see the type); nil otherwise. Forward direction only.
    private let radiansStep: OpaquePointer?
    /// Whether the source CRS is geographic (degrees), so inputs can be range-checked as lon/lat.
    let sourceIsGeographic: Bool

    /// Sets up the transformation from `source` to `target`, each anything PROJ accepts as a CRS
    /// (e.g. `"EPSG:4549"`, `"EPSG:4326"`).
    /// - Throws: ``CoordinateError/unknownCRS(_:)`` naming the CRS PROJ does not know, or
    ///   ``CoordinateError/transformFailed(_:)`` if PROJ finds no operation between them.
    public convenience init(from source: String, to target: String) throws(CoordinateError) {
        try self.init(from: source, to: target, cloning: true)
    }

    /// `cloning: false` makes the transformation from the definitions even when a prototype is
    /// kept (for the tests that compare the two).
    init(from source: String, to target: String, cloning: Bool, directStep: Bool = true) throws(CoordinateError) {
        let made = try Self.madeOrCloned(from: source, to: target, cloning: cloning)
        (context, pj, sourceIsGeographic) = made
        radiansStep = directStep ? Self.radiansStep(of: made.pj, in: made.context) : nil
    }

    /// Whether forward transformations call the operation's projection step directly (see the type).
    var projectsDirectly: Bool { radiansStep != nil }

    /// PROJ's factor for degrees (`pj_angular_units`, "deg"), by which `unitconvert`
    /// multiplies degrees into radians.
    static let radiansPerDegree = 0.017453292519943296

    /// The step after a leading degrees-to-radians `unitconvert`, made alone in `context`, if
    /// `pj` is exactly those two steps (its PROJ string says so); nil otherwise.
    private static func radiansStep(of pj: OpaquePointer, in context: OpaquePointer) -> OpaquePointer? {
        guard let text = proj_as_proj_string(context, pj, PJ_PROJ_5, nil) else {
            proj_errno_reset(pj)
            return nil
        }
        let prefix = "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step "
        let definition = String(cString: text)
        guard definition.hasPrefix(prefix) else { return nil }
        let step = String(definition.dropFirst(prefix.count))
        // One transverse Mercator or UTM step (the projections of China's survey grids, which
        // the tests compare), forward: no further steps, no inversion.
        guard step.hasPrefix("+proj=tmerc ") || step.hasPrefix("+proj=utm "), !step.contains("+step"), !step.contains("+inv")
        else { return nil }
        guard let direct = proj_create(context, step) else {
            proj_errno_reset(pj)
            return nil
        }
        return direct
    }

    /// A transformation from a kept prototype when `cloning` and one is kept, else made from
    /// the definitions (and kept, when `cloning`, for the next).
    private static func madeOrCloned(from source: String, to target: String, cloning: Bool) throws(CoordinateError) -> (
        context: OpaquePointer, pj: OpaquePointer, sourceIsGeographic: Bool
    ) {
        guard cloning else { return try Self.make(from: source, to: target) }
        let key = source + "\u{0}" + target
        if let clone = Prototype.clone(of: key) { return clone }
        // One thread at a time makes a first transformation: another that wants the same pair
        // meanwhile (the index's projection while ``MetricProjection/prepare()`` makes it) waits
        // for the prototype and clones it instead of spending another ~35 ms.
        Prototype.making.lock()
        defer { Prototype.making.unlock() }
        if let clone = Prototype.clone(of: key) { return clone }
        var made = try Self.make(from: source, to: target)
        let kept = Prototype.known.withLock { known -> Prototype? in
            // Bounded: CRS texts come from orders' crs columns too.
            guard known[key] == nil, known.count < Prototype.limit else { return nil }
            let prototype = Prototype(context: made.context, pj: made.pj, sourceIsGeographic: made.sourceIsGeographic)
            known[key] = prototype
            return prototype
        }
        if let kept {
            if let clone = kept.clone() {
                made = (clone.context, clone.pj, made.sourceIsGeographic)
            } else {
                made = try Self.make(from: source, to: target)
            }
        }
        return made
    }

    /// A transformation kept for cloning; never transforms, never freed (at most ``limit``).
    // @unchecked: its PJ is only read, by proj_clone, under the lock of `known`.
    private final class Prototype: @unchecked Sendable {
        static let limit = 64
        static let known = Locked<[String: Prototype]>([:])
        /// Held while a transformation is made from its definitions.
        static let making = NSLock()
        let context: OpaquePointer
        let pj: OpaquePointer
        let sourceIsGeographic: Bool

        init(context: OpaquePointer, pj: OpaquePointer, sourceIsGeographic: Bool) {
            self.context = context; self.pj = pj; self.sourceIsGeographic = sourceIsGeographic
        }

        /// A copy of the prototype kept for `key`, if any and if PROJ can clone it.
        static func clone(of key: String) -> (context: OpaquePointer, pj: OpaquePointer, sourceIsGeographic: Bool)? {
            guard let prototype = known.withLock({ $0[key] }), let clone = prototype.clone() else { return nil }
            return (clone.context, clone.pj, prototype.sourceIsGeographic)
        }

        /// A copy in a new context, or nil if PROJ cannot clone it (the caller then makes one).
        func clone() -> (context: OpaquePointer, pj: OpaquePointer)? {
            guard let ctx = proj_context_create() else { return nil }
            proj_log_level(ctx, PJ_LOG_NONE)
            guard let copy = Self.known.withLock({ _ in proj_clone(ctx, pj) }) else {
                proj_context_destroy(ctx)
                return nil
            }
            return (ctx, copy)
        }
    }

    /// A transformation made from the CRS definitions (PROJ's database).
    private static func make(from source: String, to target: String) throws(CoordinateError) -> (
        context: OpaquePointer, pj: OpaquePointer, sourceIsGeographic: Bool
    ) {
        guard let ctx = proj_context_create() else {
            throw .transformFailed("could not create a PROJ context")
        }
        // Errors are reported through CoordinateError; keep PROJ quiet on stderr.
        proj_log_level(ctx, PJ_LOG_NONE)

        // Identify which CRS, if any, is unknown, so the error names it.
        // (proj_create also accepts non-CRS objects such as units; those count as unknown.)
        guard let sourceCRS = proj_create(ctx, source), proj_is_crs(sourceCRS) != 0 || Self.destroy(sourceCRS) else {
            proj_context_destroy(ctx)
            throw .unknownCRS(source)
        }
        let sourceType = proj_get_type(sourceCRS)
        proj_destroy(sourceCRS)
        guard let targetCRS = proj_create(ctx, target), proj_is_crs(targetCRS) != 0 || Self.destroy(targetCRS) else {
            proj_context_destroy(ctx)
            throw .unknownCRS(target)
        }
        proj_destroy(targetCRS)

        guard let raw = proj_create_crs_to_crs(ctx, source, target, nil) else {
            let message = Self.lastError(ctx)
            proj_context_destroy(ctx)
            throw .transformFailed("no PROJ operation from \(source) to \(target): \(message)")
        }
        let normalized = proj_normalize_for_visualization(ctx, raw)
        proj_destroy(raw)
        guard let normalized else {
            let message = Self.lastError(ctx)
            proj_context_destroy(ctx)
            throw .transformFailed("cannot normalise axis order from \(source) to \(target): \(message)")
        }
        return (ctx, normalized, sourceType == PJ_TYPE_GEOGRAPHIC_2D_CRS || sourceType == PJ_TYPE_GEOGRAPHIC_3D_CRS)
    }

    deinit {
        if let radiansStep { proj_destroy(radiansStep) }
        proj_destroy(pj)
        proj_context_destroy(context)
    }

    /// Transforms one position from the source to the target CRS; nil if PROJ fails or the
    /// result is not finite (PROJ signals failure with HUGE_VAL).
    public func transform(_ c: Coordinate) -> Coordinate? {
        guard let radiansStep else { return run(c, PJ_FWD) }
        let out = proj_trans(radiansStep, PJ_FWD, proj_coord(c.x * Self.radiansPerDegree, c.y * Self.radiansPerDegree, 0, .infinity))
        let r = Coordinate(out.xy.x, out.xy.y)
        guard r.x.isFinite, r.y.isFinite else {
            proj_errno_reset(radiansStep)
            return nil
        }
        return r
    }

    /// Transforms the positions in place with one `proj_trans_generic` call (no per-point
    /// Swift/C round trips or optionals). Positions PROJ cannot transform become (NaN, NaN).
    public func transform(_ cs: inout [Coordinate]) {
        cs.withUnsafeMutableBufferPointer { transform($0) }
    }

    /// Transforms one position from the target back to the source CRS; nil on failure.
    public func inverse(_ c: Coordinate) -> Coordinate? {
        run(c, PJ_INV)
    }

    /// The batch inverse transformation, in place; failures become (NaN, NaN).
    func inverse(_ cs: inout [Coordinate]) {
        runBatch(&cs, PJ_INV)
    }

    private func run(_ c: Coordinate, _ direction: PJ_DIRECTION) -> Coordinate? {
        let out = proj_trans(pj, direction, proj_coord(c.x, c.y, 0, .infinity))
        let r = Coordinate(out.xy.x, out.xy.y)
        guard r.x.isFinite, r.y.isFinite else {
            proj_errno_reset(pj)
            return nil
        }
        return r
    }

    private func runBatch(_ cs: inout [Coordinate], _ direction: PJ_DIRECTION) {
        cs.withUnsafeMutableBufferPointer { runBatch($0, direction) }
    }

    /// ``transform(_:)`` on positions in a buffer.
    func transform(_ buffer: UnsafeMutableBufferPointer<Coordinate>) {
        guard let radiansStep else { return runBatch(buffer, PJ_FWD) }
        for i in buffer.indices {
            buffer[i] = Coordinate(buffer[i].x * Self.radiansPerDegree, buffer[i].y * Self.radiansPerDegree)
        }
        runBatch(buffer, PJ_FWD, with: radiansStep)
    }

    private func runBatch(_ buffer: UnsafeMutableBufferPointer<Coordinate>, _ direction: PJ_DIRECTION, with pj: OpaquePointer? = nil) {
        let pj = pj ?? self.pj
        guard let start = buffer.baseAddress, !buffer.isEmpty else { return }
        let stride = MemoryLayout<Coordinate>.stride
        let xOffset = MemoryLayout<Coordinate>.offset(of: \.x)!
        let yOffset = MemoryLayout<Coordinate>.offset(of: \.y)!
        let base = UnsafeMutableRawPointer(start)
        let x = (base + xOffset).assumingMemoryBound(to: Double.self)
        let y = (base + yOffset).assumingMemoryBound(to: Double.self)
        _ = proj_trans_generic(
            pj, direction,
            x, stride, buffer.count,
            y, stride, buffer.count,
            nil, 0, 0,
            nil, 0, 0)
        for i in buffer.indices where !(buffer[i].x.isFinite && buffer[i].y.isFinite) {
            buffer[i] = Coordinate(.nan, .nan)
        }
        proj_errno_reset(pj)
    }

    /// Destroys a PROJ object and returns false, for use in guard conditions.
    private static func destroy(_ object: OpaquePointer) -> Bool {
        proj_destroy(object)
        return false
    }

    private static func lastError(_ ctx: OpaquePointer) -> String {
        let code = proj_context_errno(ctx)
        guard code != 0, let text = proj_context_errno_string(ctx, code) else { return "unknown error" }
        return String(cString: text)
    }
}

/// WGS84 lon/lat ↔ CGCS2000 / 3-degree Gauss-Krüger CM 120E (EPSG:4549) metres.
///
/// Every metric distance and area in Wangge (snapping radii, inspection-point radii, cell
/// areas, overlap tolerances) is measured in this plane: it is the national survey grid for
/// Shanghai, whose scale error there is below 0.03 %. Not thread-safe: one per thread.
public final class MetricProjection {
    private let transformation: ProjTransform

    /// Sets up the EPSG:4326 → EPSG:4549 transformation.
    /// - Throws: ``CoordinateError`` if PROJ's database is missing or broken.
    public init() throws(CoordinateError) {
        transformation = try ProjTransform(from: "EPSG:4326", to: "EPSG:4549")
    }

    /// Starts making the process's first EPSG:4326 → EPSG:4549 transformation on another
    /// thread (~35 ms of looking up PROJ's database), so that a district index built meanwhile
    /// finds it ready, or waits for it, instead of making its own. Errors surface later, where
    /// a projection is made.
    public static func prepare() {
        DispatchQueue.global().async { _ = try? MetricProjection() }
    }

    /// Projects WGS84 (lon, lat) degrees to EPSG:4549 (easting, northing) metres;
    /// (NaN, NaN) if PROJ fails, so the failure propagates through arithmetic.
    public func project(_ lonLat: Coordinate) -> Coordinate {
        transformation.transform(lonLat) ?? Coordinate(.nan, .nan)
    }

    /// Projects the positions in place with one batch call; failures become (NaN, NaN).
    public func project(_ cs: inout [Coordinate]) {
        transformation.transform(&cs)
    }

    /// ``project(_:)`` on two cores for many positions (a city's cells, while an index is
    /// built and the other core is idle): the second half with a projection made for the
    /// other thread. Each position is transformed alone, so the numbers are the same.
    public func projectOnTwoCores(_ cs: inout [Coordinate]) {
        guard cs.count >= 20_000, let other = try? MetricProjection() else { return project(&cs) }
        let half = cs.count / 2
        cs.withUnsafeMutableBufferPointer { all in
            // Each thread uses its own transformation on its own half.
            nonisolated(unsafe) let all = all, halves = [transformation, other.transformation]
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                halves[k].transform(UnsafeMutableBufferPointer(rebasing: k == 0 ? all[..<half] : all[half...]))
            }
        }
    }

    /// Converts EPSG:4549 (easting, northing) metres back to WGS84 (lon, lat);
    /// (NaN, NaN) if PROJ fails.
    public func unproject(_ metres: Coordinate) -> Coordinate {
        transformation.inverse(metres) ?? Coordinate(.nan, .nan)
    }

    /// Converts the metre positions back to WGS84 in place; failures become (NaN, NaN).
    public func unproject(_ cs: inout [Coordinate]) {
        transformation.inverse(&cs)
    }
}
