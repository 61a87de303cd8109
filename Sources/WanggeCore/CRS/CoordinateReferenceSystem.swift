/// The coordinate systems an order or layer may be given in.
///
/// Field crews and partner systems in Shanghai deliver positions in several systems: GPS
/// receivers give WGS84, surveying data CGCS2000 (often projected, e.g. EPSG:4549), Amap and
/// Tencent give GCJ-02 and Baidu gives BD-09. Wangge stores everything in WGS84 lon/lat, so
/// every input names its system with one of these cases and is converted by
/// ``CoordinateConverter``.
public enum CoordinateReferenceSystem: Hashable, Sendable, CustomStringConvertible {
    /// WGS84 geographic longitude/latitude (EPSG:4326), the storage system.
    case wgs84
    /// CGCS2000 geographic longitude/latitude (EPSG:4490), China's national datum. It agrees
    /// with WGS84 at metre level, so Wangge treats it as identical.
    case cgcs2000
    /// GCJ-02 ("Mars coordinates"), the obfuscated lon/lat used by Amap and Tencent maps.
    case gcj02
    /// BD-09, Baidu's further obfuscation of GCJ-02.
    case bd09
    /// Any other system PROJ knows by EPSG code, e.g. `.epsg(4549)` for CGCS2000 /
    /// 3-degree Gauss-Krüger CM 120E metres. Axis order is always GIS order (x = lon or
    /// easting, y = lat or northing).
    case epsg(Int)

    /// Parses the spelling used in order files, layer metadata and command-line options.
    ///
    /// Matching is case-insensitive and ignores surrounding spaces:
    /// `""`, `wgs84`, `WGS-84`, `EPSG:4326` → ``wgs84``; `cgcs2000`, `EPSG:4490` → ``cgcs2000``;
    /// `gcj02`, `gcj-02` → ``gcj02``; `bd09`, `bd-09` → ``bd09``; `EPSG:nnnn` → ``epsg(_:)``.
    /// An empty field means WGS84 because that is what GPS devices produce.
    /// Whether PROJ knows an EPSG code is only checked when converting.
    /// - Throws: ``CoordinateError/unknownCRS(_:)`` with the original text for anything else.
    public init(parsing text: String) throws(CoordinateError) {
        let key = trimmingSpaces(text[...]).lowercased()
        switch key {
        case "", "wgs84", "wgs-84", "wgs 84":
            self = .wgs84
            return
        case "cgcs2000", "cgcs-2000":
            self = .cgcs2000
            return
        case "gcj02", "gcj-02":
            self = .gcj02
            return
        case "bd09", "bd-09":
            self = .bd09
            return
        default:
            break
        }
        guard key.hasPrefix("epsg:") else { throw .unknownCRS(text) }
        let digits = trimmingSpaces(key.dropFirst(5))
        guard !digits.isEmpty, digits.count <= 9,
            digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let code = Int(digits), code > 0
        else { throw .unknownCRS(text) }
        switch code {
        case 4326: self = .wgs84
        case 4490: self = .cgcs2000
        default: self = .epsg(code)
        }
    }

    /// The canonical spelling (`wgs84`, `cgcs2000`, `gcj02`, `bd09`, `EPSG:n`), which
    /// ``init(parsing:)`` accepts back; used in reports and stored metadata.
    public var description: String {
        switch self {
        case .wgs84: return "wgs84"
        case .cgcs2000: return "cgcs2000"
        case .gcj02: return "gcj02"
        case .bd09: return "bd09"
        case .epsg(let code): return "EPSG:\(code)"
        }
    }
}

/// Why a position could not be read or converted. Carried into validation reports and
/// per-row order errors, so each case describes itself in a sentence naming the value.
public enum CoordinateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A text field (e.g. a CSV column) that should hold a number does not; carries the text.
    case notANumber(String)
    /// An ordinate is NaN or infinite.
    case nonFinite
    /// Longitude outside [-180, 180] or latitude outside [-90, 90], checked on geographic
    /// input before conversion and on the WGS84 result after it; carries the offending position.
    case outOfRange(Coordinate)
    /// A CRS name that does not parse, or an EPSG code PROJ does not know; carries the text.
    case unknownCRS(String)
    /// PROJ could not set up or carry out the transformation; carries the details.
    case transformFailed(String)

    /// A sentence naming the problem and the value, e.g.
    /// "longitude 200.0 is outside [-180, 180]".
    public var description: String {
        switch self {
        case .notANumber(let text):
            return "\"\(text)\" is not a number"
        case .nonFinite:
            return "coordinate is not a finite number (NaN or infinity)"
        case .outOfRange(let c):
            let lonBad = !(c.x >= -180 && c.x <= 180)
            let latBad = !(c.y >= -90 && c.y <= 90)
            switch (lonBad, latBad) {
            case (true, true):
                return "longitude \(c.x) is outside [-180, 180] and latitude \(c.y) is outside [-90, 90]"
            case (false, true):
                return "latitude \(c.y) is outside [-90, 90]"
            default:
                return "longitude \(c.x) is outside [-180, 180]"
            }
        case .unknownCRS(let text):
            return "unknown coordinate reference system \"\(text)\""
        case .transformFailed(let detail):
            return "coordinate transformation failed: \(detail)"
        }
    }
}

/// `text` without leading and trailing spaces, tabs and line breaks.
private func trimmingSpaces(_ text: Substring) -> String {
    var s = text
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
}
