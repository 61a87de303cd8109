import Foundation

/// GCJ-02 (Amap, Tencent) and BD-09 (Baidu) obfuscations, using the widely published
/// formulas (Krasovsky ellipsoid constants, as in eviltransform and coordtransform).
///
/// Orders reported from Chinese map apps arrive shifted by several hundred metres; these
/// functions undo (and, for tests and exports, apply) the shift. The forward directions are
/// closed formulas; the inverses are iterated to round-off (about 1e-12 degrees), far below
/// the 0.5 m the approximate one-step inverses of common libraries achieve.
/// Outside China (see ``isOutsideChina(_:)``) no shift is applied in either direction.
public enum ChinaOffset {
    /// Semi-major axis of the Krasovsky 1940 ellipsoid, used by the GCJ-02 formula.
    static let a = 6378245.0
    /// First eccentricity squared of the Krasovsky 1940 ellipsoid.
    static let ee = 0.00669342162296594323
    /// π·3000/180, BD-09's rotation constant.
    static let xPi = Double.pi * 3000.0 / 180.0

    /// Shifts a WGS84 position to GCJ-02, as Amap and Tencent display it.
    /// Positions outside China are returned unchanged.
    public static func gcj02(fromWGS84 c: Coordinate) -> Coordinate {
        if isOutsideChina(c) { return c }
        return rawGCJ02(c)
    }

    /// Recovers the WGS84 position whose GCJ-02 shift is `c`, by fixed-point iteration on the
    /// forward formula (error below 1e-9 degrees, i.e. well under a millimetre).
    /// Positions outside China are returned unchanged.
    public static func wgs84(fromGCJ02 c: Coordinate) -> Coordinate {
        if isOutsideChina(c) { return c }
        // The shift's derivative is below ~5e-3 (degrees per degree), so w ← w − (gcj(w) − c)
        // shrinks the error ~200-fold per step and leaves an error of about 5e-3 × the last
        // step: stopping once a step is below 1e-9° leaves < 1e-11° (a micrometre), after
        // four evaluations in practice.
        var w = c
        for _ in 0 ..< 10 {
            let g = rawGCJ02(w)
            let dx = g.x - c.x, dy = g.y - c.y
            w.x -= dx
            w.y -= dy
            if abs(dx) < 1e-9 && abs(dy) < 1e-9 { break }
        }
        return w
    }

    /// Shifts a GCJ-02 position to BD-09, as Baidu maps display it.
    /// Positions outside China are returned unchanged.
    public static func bd09(fromGCJ02 c: Coordinate) -> Coordinate {
        if isOutsideChina(c) { return c }
        return rawBD09(c)
    }

    /// Recovers the GCJ-02 position whose BD-09 shift is `c`: the usual closed-form
    /// approximation refined by fixed-point iteration on ``bd09(fromGCJ02:)``, so the
    /// result is exact to round-off. Positions outside China are returned unchanged.
    public static func gcj02(fromBD09 c: Coordinate) -> Coordinate {
        if isOutsideChina(c) { return c }
        // Closed-form approximate inverse (errors of ~1e-6 degrees), then refine.
        let x = c.x - 0.0065, y = c.y - 0.006
        let z = (x * x + y * y).squareRoot() - 0.00002 * sin(y * xPi)
        let theta = atan2(y, x) - 0.000003 * cos(x * xPi)
        var g = Coordinate(z * cos(theta), z * sin(theta))
        // Same contraction argument as for GCJ-02 (BD-09's shift varies even more slowly).
        for _ in 0 ..< 10 {
            let b = rawBD09(g)
            let dx = b.x - c.x, dy = b.y - c.y
            g.x -= dx
            g.y -= dy
            if abs(dx) < 1e-9 && abs(dy) < 1e-9 { break }
        }
        return g
    }

    /// Shifts a WGS84 position to BD-09 (GCJ-02 then BD-09).
    public static func bd09(fromWGS84 c: Coordinate) -> Coordinate {
        bd09(fromGCJ02: gcj02(fromWGS84: c))
    }

    /// Recovers WGS84 from a BD-09 position (BD-09 → GCJ-02 → WGS84, both exact inverses).
    public static func wgs84(fromBD09 c: Coordinate) -> Coordinate {
        wgs84(fromGCJ02: gcj02(fromBD09: c))
    }

    /// True outside the rough China box (lon 72.004–137.8347, lat 0.8293–55.8271) within
    /// which the published formulas apply the shift; outside it no shift is applied.
    /// NaN coordinates count as outside (and so pass through unchanged).
    @inlinable public static func isOutsideChina(_ c: Coordinate) -> Bool {
        !(c.x >= 72.004 && c.x <= 137.8347 && c.y >= 0.8293 && c.y <= 55.8271)
    }

    // MARK: - Formulas

    /// The GCJ-02 forward formula without the China box test.
    ///
    /// The published polynomial-plus-sines formula; sin(6πx), sin(πx) and sin(πy) are derived
    /// from sin(2πx), sin(πx/3) and sin(πy/3) by sin 3θ = 3 sin θ − 4 sin³ θ, which saves a
    /// third of the sine evaluations (the inverse runs this several times per position) and
    /// changes results only at round-off (~1e-19°).
    static func rawGCJ02(_ c: Coordinate) -> Coordinate {
        let x = c.x - 105.0, y = c.y - 35.0
        let s2x = sin(2.0 * x * .pi), sx3 = sin(x / 3.0 * .pi), sy3 = sin(y / 3.0 * .pi)
        let s6x = s2x * (3 - 4 * s2x * s2x)
        let sx = sx3 * (3 - 4 * sx3 * sx3)
        let sy = sy3 * (3 - 4 * sy3 * sy3)
        let common = (20.0 * s6x + 20.0 * s2x) * 2.0 / 3.0
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        dLat += common
        dLat += (20.0 * sy + 40.0 * sy3) * 2.0 / 3.0
        dLat += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        dLon += common
        dLon += (20.0 * sx + 40.0 * sx3) * 2.0 / 3.0
        dLon += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        let radLat = c.y / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return Coordinate(c.x + dLon, c.y + dLat)
    }

    /// The BD-09 forward formula without the China box test.
    static func rawBD09(_ c: Coordinate) -> Coordinate {
        let z = (c.x * c.x + c.y * c.y).squareRoot() + 0.00002 * sin(c.y * xPi)
        let theta = atan2(c.y, c.x) + 0.000003 * cos(c.x * xPi)
        return Coordinate(z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }
}
