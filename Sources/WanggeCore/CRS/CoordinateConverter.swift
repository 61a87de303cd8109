/// Converts a position given in any supported CRS to WGS84 lon/lat, validating it, so that
/// everything Wangge stores and compares is in EPSG:4326.
///
/// - WGS84 and CGCS2000 (and `EPSG:4326` / `EPSG:4490`) are passed through: the two datums
///   agree at metre level and PROJ itself only has a null "ballpark" step between them.
/// - GCJ-02 and BD-09 are undone with ``ChinaOffset``'s exact inverses.
/// - Other EPSG codes go through PROJ to EPSG:4326; one ``ProjTransform`` per code is created
///   on first use and cached (so are unknown codes, which then fail cheaply).
///
/// Input must be finite, and geographic input must be a valid lon/lat, before conversion;
/// the result must be a valid lon/lat after it. Not thread-safe: keep one per thread (it is
/// cheap to keep one per worker).
public final class CoordinateConverter {
    private struct Projected {
        let transform: ProjTransform
        let sourceIsGeographic: Bool
    }

    private var cache: [Int: Result<Projected, CoordinateError>] = [:]
    private var lastCode = Int.min
    private var last: Result<Projected, CoordinateError>?

    /// Creates a converter with an empty transformation cache.
    public init() {}

    /// The position `c`, given in `crs`, as WGS84 lon/lat.
    /// - Throws: ``CoordinateError/nonFinite`` for NaN or infinite ordinates,
    ///   ``CoordinateError/outOfRange(_:)`` for geographic input or a result outside
    ///   [-180, 180] × [-90, 90], ``CoordinateError/unknownCRS(_:)`` (`"EPSG:n"`) for codes
    ///   PROJ does not know, ``CoordinateError/transformFailed(_:)`` when PROJ cannot
    ///   transform the position.
    @inlinable
    public func toWGS84(_ c: Coordinate, from crs: CoordinateReferenceSystem) throws(CoordinateError) -> Coordinate {
        // Hot path (millions of rows), inlined into callers: a tag test and four
        // comparisons, which also reject NaN.
        switch crs {
        case .wgs84, .cgcs2000:
            guard c.x >= -180, c.x <= 180, c.y >= -90, c.y <= 90 else { throw Self.invalid(c) }
            return c
        default:
            return try convert(c, from: crs)
        }
    }

    /// Every case but the WGS84/CGCS2000 pass-through, kept out of line.
    @usableFromInline
    func convert(_ c: Coordinate, from crs: CoordinateReferenceSystem) throws(CoordinateError) -> Coordinate {
        switch crs {
        case .wgs84, .cgcs2000, .epsg(4326), .epsg(4490):
            try Self.checkLonLat(c)
            return c
        case .gcj02:
            try Self.checkLonLat(c)
            return try Self.checkedOutput(ChinaOffset.wgs84(fromGCJ02: c))
        case .bd09:
            try Self.checkLonLat(c)
            return try Self.checkedOutput(ChinaOffset.wgs84(fromBD09: c))
        case .epsg(let code):
            guard c.x.isFinite, c.y.isFinite else { throw .nonFinite }
            let projected = try projected(code).get()
            if projected.sourceIsGeographic { try Self.checkLonLat(c) }
            guard let r = projected.transform.transform(c) else {
                throw .transformFailed("EPSG:\(code) position \(c) could not be transformed to EPSG:4326")
            }
            return try Self.checkedOutput(r)
        }
    }

    /// The cached transformation from `EPSG:code` to EPSG:4326, created on first use.
    private func projected(_ code: Int) -> Result<Projected, CoordinateError> {
        if code == lastCode, let last { return last }
        let result: Result<Projected, CoordinateError>
        if let cached = cache[code] {
            result = cached
        } else {
            do {
                let t = try ProjTransform(from: "EPSG:\(code)", to: "EPSG:4326")
                result = .success(Projected(transform: t, sourceIsGeographic: t.sourceIsGeographic))
            } catch .unknownCRS {
                result = .failure(.unknownCRS("EPSG:\(code)"))
            } catch {
                result = .failure(error)
            }
            cache[code] = result
        }
        lastCode = code
        last = result
        return result
    }

    /// Throws unless `c` is a finite, in-range lon/lat.
    @inline(__always)
    private static func checkLonLat(_ c: Coordinate) throws(CoordinateError) {
        guard c.x >= -180, c.x <= 180, c.y >= -90, c.y <= 90 else { throw invalid(c) }
    }

    /// `c` if it is a valid lon/lat, else the error describing why not.
    @inline(__always)
    private static func checkedOutput(_ c: Coordinate) throws(CoordinateError) -> Coordinate {
        guard c.x >= -180, c.x <= 180, c.y >= -90, c.y <= 90 else { throw invalid(c) }
        return c
    }

    /// The error for a position that failed the range comparisons: NaN/inf or out of range.
    @usableFromInline
    static func invalid(_ c: Coordinate) -> CoordinateError {
        c.x.isFinite && c.y.isFinite ? .outOfRange(c) : .nonFinite
    }
}
