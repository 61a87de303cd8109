import Foundation

/// The coordinate system a GeoJSON answer is written in (`--crs`, HTTP `crs=`).
///
/// Wangge stores and writes WGS84 (RFC 7946). Web maps on Chinese basemaps need the same
/// features shifted: 高德 and 腾讯 draw GCJ-02, 百度 draws BD-09, and WGS84 features sit about
/// 500 metres off on them. ``apply(_:)`` shifts a geometry with the forward formulas of
/// ``ChinaOffset``; output in those systems is not RFC 7946 GeoJSON, which ``note`` says in a
/// `"crs_note"` foreign member of the FeatureCollection. Shared by every GeoJSON writer (exports,
/// layers, OGC API items, hot spots) and by vector tiles.
public enum OutputCRS: String, CaseIterable, Sendable {
    /// WGS84 longitude/latitude: RFC 7946, the default.
    case wgs84
    /// GCJ-02, for 高德 (Amap) and 腾讯 (Tencent) basemaps.
    case gcj02
    /// BD-09, for 百度 (Baidu) basemaps.
    case bd09

    /// Parses `wgs84`, `gcj02`, `bd09` (case-insensitive; `gcj-02`, `bd-09`, `EPSG:4326` and the
    /// OGC CRS84 URI also accepted); nil for anything else.
    public init?(parsing text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "", "wgs84", "wgs-84", "epsg:4326", "crs84", "http://www.opengis.net/def/crs/ogc/1.3/crs84": self = .wgs84
        case "gcj02", "gcj-02": self = .gcj02
        case "bd09", "bd-09": self = .bd09
        default: return nil
        }
    }

    /// A coordinate in this system from a WGS84 one.
    @inlinable public func apply(_ c: Coordinate) -> Coordinate {
        switch self {
        case .wgs84: c
        case .gcj02: ChinaOffset.gcj02(fromWGS84: c)
        case .bd09: ChinaOffset.bd09(fromWGS84: c)
        }
    }

    /// A geometry in this system from a WGS84 one (the same geometry for ``wgs84``).
    public func apply(_ geometry: Geometry) -> Geometry {
        self == .wgs84 ? geometry : geometry.mapCoordinates { apply($0) }
    }

    /// The `"crs_note"` foreign member for output in this system; nil for WGS84.
    public var note: String? {
        switch self {
        case .wgs84: nil
        case .gcj02: "coordinates are GCJ-02 (高德/腾讯 basemaps), not WGS84: this is not RFC 7946 GeoJSON"
        case .bd09: "coordinates are BD-09 (百度 basemaps), not WGS84: this is not RFC 7946 GeoJSON"
        }
    }
}
