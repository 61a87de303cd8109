import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeOperations

/// The district drawn by the server as SVG from its cells: no tiles, no network.
///
/// **Projection.** WGS84 lon/lat → EPSG:4549 (CGCS2000 / 3-degree Gauss-Krüger CM 120E, the
/// metres every distance in Wangge is measured in) with ``MetricProjection``. One viewBox unit
/// is one metre: a position (E, N) is drawn at x = E − ``Frame/west``, y = ``Frame/north`` − N
/// (SVG's y grows downwards, so north is up — grid north, 0.7° from true north at 121.4° E),
/// rounded to whole metres. Rounding moves a vertex by at most 0.5 m (a 10 km district on a
/// 1,000-pixel screen is 10 m a pixel) and rounds a vertex shared by two cells the same way in
/// both, so neighbours still meet exactly. The scale bar is therefore exact up to EPSG:4549's
/// own scale error (under 0.04 % across Shanghai).
///
/// **Cells** are drawn once each, sorted by code, as one `<path class="cell …">` (every ring of
/// every polygon, holes included, even-odd fill), with `data-cell`, `data-community`,
/// `data-street` and the figures as data attributes and a `<title>` for hover. **Streets** are
/// drawn over them: the exact union of each street's cells (GEOS), outline only.
///
/// Everything that depends only on the cells (paths, street outlines) is built once per
/// district (``DistrictMap/init(cells:)``, cached by ``DistrictMap/cached(for:cells:)``); the
/// figures and colours of one request are laid on when rendering.
final class DistrictMap: Sendable {
    /// Where the viewBox sits in EPSG:4549.
    struct Frame: Sendable, Equatable {
        /// Easting (m) of the viewBox's left edge and northing (m) of its top edge.
        var west: Double
        var north: Double
        /// viewBox size in metres.
        var width: Int
        var height: Int

        func x(_ easting: Double) -> Int { Int((easting - west).rounded()) }
        func y(_ northing: Double) -> Int { Int((north - northing).rounded()) }
    }

    struct MapCell {
        var code: String
        var name: String
        var communityName: String
        var streetName: String
        /// The path's `d`, ready to write.
        var path: [UInt8]
        /// Area centroid, viewBox units.
        var centroidX: Double
        var centroidY: Double
        var area: Double
    }

    struct Street {
        var code: String
        var name: String
        var path: [UInt8]
        var labelX: Int
        var labelY: Int
    }

    let frame: Frame
    /// Sorted by code.
    let cells: [MapCell]
    /// Sorted by code.
    let streets: [Street]

    /// Projects and encodes the cells and the streets' outlines.
    init(cells input: [Cell]) throws {
        let sorted = input.sorted { $0.code < $1.code }
        let projection = try MetricProjection()
        // One batch through PROJ for every vertex of every cell.
        var flat: [Coordinate] = []
        flat.reserveCapacity(sorted.count * 8)
        for c in sorted { for p in c.geometry.polygons ?? [] { for r in p.rings { flat.append(contentsOf: r.points) } } }
        projection.project(&flat)
        var box: BoundingBox?
        for c in flat where c.x.isFinite && c.y.isFinite {
            if box == nil { box = BoundingBox(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { box!.include(c) }
        }
        let extent = box ?? BoundingBox(minX: 0, minY: 0, maxX: 1000, maxY: 1000)
        let spanX = max(extent.maxX - extent.minX, 1), spanY = max(extent.maxY - extent.minY, 1)
        let margin = (max(spanX, spanY) * 0.02).rounded(.up)
        let bottom = (max(spanX, spanY) * 0.07).rounded(.up)  // room for the scale bar
        let west = extent.minX.rounded(.down) - margin, north = extent.maxY.rounded(.up) + margin
        frame = Frame(
            west: west, north: north,
            width: Int(extent.maxX.rounded(.up) + margin - west),
            height: Int(north - (extent.minY.rounded(.down) - margin - bottom)))

        var k = 0
        var cells: [MapCell] = []
        cells.reserveCapacity(sorted.count)
        for c in sorted {
            var path: [UInt8] = []
            var shape = AreaCentroid()
            for p in c.geometry.polygons ?? [] {
                for (r, ring) in p.rings.enumerated() {
                    let projected = flat[k ..< k + ring.points.count]
                    k += ring.points.count
                    Self.encode(ring: projected, frame: frame, into: &path)
                    let start = projected.startIndex
                    shape.addRing(count: projected.count, hole: r > 0) { (projected[start + $0].x, projected[start + $0].y) }
                }
            }
            cells.append(
                MapCell(
                    code: c.code, name: c.name, communityName: c.communityName, streetName: c.streetName, path: path,
                    centroidX: shape.x - west, centroidY: north - shape.y, area: shape.area))
        }
        self.cells = cells

        // Streets: the exact union of their cells, projected the same way.
        var groups: [String: [Int]] = [:]
        for (i, c) in sorted.enumerated() { groups[c.streetCode, default: []].append(i) }
        let checker = GeometryChecker()
        var streets: [Street] = []
        for code in groups.keys.sorted() {
            let members = groups[code]!
            var path: [UInt8] = []
            if let union = checker.union(of: members.map { sorted[$0].geometry }) {
                for p in union.polygons ?? [] {
                    for ring in p.rings {
                        var points = ring.points
                        projection.project(&points)
                        Self.encode(ring: points[...], frame: frame, into: &path)
                    }
                }
            }
            // The label sits at the area centroid of the street's cells.
            var label = AreaCentroid()
            for i in members where cells[i].area > 0 && cells[i].centroidX.isFinite {
                label.add(area: cells[i].area, x: cells[i].centroidX, y: cells[i].centroidY)
            }
            streets.append(
                Street(
                    code: code, name: sorted[members[0]].streetName, path: path,
                    labelX: label.area > 0 ? Int(label.x.rounded()) : 0, labelY: label.area > 0 ? Int(label.y.rounded()) : 0))
        }
        self.streets = streets
    }

    /// Appends one ring as `M x y l dx dy … z` in whole viewBox units: the first vertex
    /// absolute, the others relative to the previous rounded vertex (so rounding never
    /// accumulates), repeated vertices and the closing vertex left out.
    static func encode(ring: ArraySlice<Coordinate>, frame: Frame, into path: inout [UInt8]) {
        var w = HTMLWriter(capacity: 16 + ring.count * 8)
        var first: (Int, Int)?
        var last = (0, 0)
        var wroteL = false
        for c in ring {
            guard c.x.isFinite && c.y.isFinite else { continue }
            let p = (frame.x(c.x), frame.y(c.y))
            guard let start = first else {
                first = p; last = p
                w.raw("M"); w.integer(p.0); w.raw(" "); w.integer(p.1)
                continue
            }
            if p == last { continue }
            if p == start && c == ring.last { break }  // the closing vertex: `z` draws it
            if !wroteL { w.raw("l"); wroteL = true } else if p.0 - last.0 >= 0 { w.raw(" ") }
            w.integer(p.0 - last.0)
            if p.1 - last.1 >= 0 { w.raw(" ") }
            w.integer(p.1 - last.1)
            last = p
        }
        guard first != nil else { return }
        w.raw("z")
        path.append(contentsOf: w.bytes)
    }

    // MARK: Cache

    private static let lock = NSLock()
    nonisolated(unsafe) private static var last: (key: ObjectIdentifier, index: Weak, map: DistrictMap)?

    private final class Weak { weak var object: AnyObject?; init(_ o: AnyObject) { object = o } }

    /// The map of the district `index` was built from: built on first use, then reused while
    /// that same index object lives (the server keeps one per loaded district; a re-import
    /// builds a new index and so a new map).
    static func cached(for index: DistrictIndex, cells: @autoclosure () throws -> [Cell]) throws -> DistrictMap {
        let key = ObjectIdentifier(index)
        lock.lock()
        if let last, last.key == key, last.index.object === index { lock.unlock(); return last.map }
        lock.unlock()
        let map = try DistrictMap(cells: cells())
        lock.lock()
        last = (key, Weak(index), map)
        lock.unlock()
        return map
    }
}

// MARK: Rendering

extension DistrictMap {
    /// Writes the `<svg>`: cells coloured by `legend`, street outlines and names, a scale bar.
    /// `figures` follows ``cells``' order. `ordersLink`: the query string after `cell=CODE`
    /// in a cell's orders link (`/v1/layers/orders?cell=CODE&…`), kept on the SVG for the click handler.
    func svg(figures: [CellFigures], legend: MapLegend, ordersLink: String, into w: inout HTMLWriter) {
        w.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "); w.integer(frame.width); w.raw(" "); w.integer(frame.height)
        w.raw("\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"网格地图\" data-projection=\"EPSG:4549\" data-west=\"")
        w.fixed(frame.west, places: 0); w.raw("\" data-north=\""); w.fixed(frame.north, places: 0); w.raw("\"")
        w.attribute("data-orders-link", ordersLink); w.raw(">\n<style>")
        for e in legend.entries { w.raw("."); w.raw(e.cssClass); w.raw("{fill:"); w.raw(e.colour); w.raw("}") }
        w.raw("</style>\n<g id=\"cells\">\n")
        for (i, c) in cells.enumerated() {
            let f = i < figures.count ? figures[i] : CellFigures()
            w.raw("<path class=\"cell "); w.raw(legend.classOf(f)); w.raw("\" d=\""); w.raw(bytes: c.path)
            w.raw("\" data-cell=\""); w.text(c.code)
            w.raw("\" data-community=\""); w.text(CellCode(c.code).community)
            w.raw("\" data-street=\""); w.text(CellCode(c.code).street)
            w.raw("\" data-orders=\""); w.integer(f.orders)
            w.raw("\" data-rebounds=\""); w.integer(f.rebounds)
            w.raw("\" data-z=\""); if let z = f.z { w.fixed(z, places: 2) }
            w.raw("\" data-light=\""); w.raw(f.light)
            w.raw("\"><title>"); w.text(AreaNames.cellLabel(code: c.code, community: c.communityName, street: c.streetName)); w.raw(" ");
            w.text(c.code)
            w.raw("\n工单 "); w.integer(f.orders); w.raw(" · 反弹 "); w.integer(f.rebounds); w.raw(" · z ")
            if let z = f.z { w.fixed(z, places: 2) } else { w.raw("—") }
            w.raw("</title></path>\n")
        }
        w.raw("</g>\n<g id=\"streets\">\n")
        for s in streets {
            w.raw("<path class=\"street\""); w.attribute("data-street", s.code); w.raw(" d=\""); w.raw(bytes: s.path); w.raw("\"/>\n")
        }
        let fontSize = max(frame.width, frame.height) / 55
        for s in streets where !s.name.isEmpty {
            w.raw("<text class=\"street-label\" x=\""); w.integer(s.labelX); w.raw("\" y=\""); w.integer(s.labelY)
            w.raw("\" font-size=\""); w.integer(fontSize); w.raw("\">"); w.text(s.name); w.raw("</text>\n")
        }
        w.raw("</g>\n")
        scaleBar(into: &w)
        w.raw("</svg>")
    }

    /// The length of the scale bar: the largest 1, 2 or 5 × 10ⁿ metres within a quarter of the width.
    var scaleBarMetres: Int {
        let target = Double(frame.width) / 4
        var best = 1
        var p = 1
        while Double(p) <= target {
            for m in [1, 2, 5] where Double(m * p) <= target { best = m * p }
            p *= 10
        }
        return best
    }

    private func scaleBar(into w: inout HTMLWriter) {
        let length = scaleBarMetres
        let unit = max(frame.width, frame.height)
        let x = unit / 40, y = frame.height - unit / 40, tick = unit / 120, font = unit / 60
        w.raw("<g id=\"scale-bar\""); w.attribute("data-metres", length); w.raw(">")
        w.raw("<path class=\"scale\" d=\"M"); w.integer(x); w.raw(" "); w.integer(y - tick); w.raw("v"); w.integer(tick)
        w.raw("h"); w.integer(length); w.raw("v"); w.integer(-tick); w.raw("\"/>")
        w.raw("<text class=\"scale-label\" x=\""); w.integer(x + length / 2); w.raw("\" y=\""); w.integer(y - tick - font / 3)
        w.raw("\" font-size=\""); w.integer(font); w.raw("\" text-anchor=\"middle\">")
        if length >= 1000 { w.fixed(Double(length) / 1000, places: length % 1000 == 0 ? 0 : 1); w.raw(" 千米") } else { w.integer(length); w.raw(" 米") }
        w.raw("</text></g>\n")
    }

    /// The legend as an HTML list (`#legend`).
    static func legendHTML(_ legend: MapLegend, into w: inout HTMLWriter) {
        w.raw("<div id=\"legend\"><h3>"); w.text(legend.title); w.raw("</h3><ul>")
        for e in legend.entries {
            w.raw("<li"); w.attribute("data-class", e.cssClass); w.raw("><span class=\"swatch\" style=\"background:"); w.raw(e.colour)
            w.raw("\"></span>"); w.text(e.label); w.raw("</li>")
        }
        w.raw("<li class=\"street-key\"><span class=\"swatch line\"></span>街道（镇）界</li></ul></div>")
    }
}
