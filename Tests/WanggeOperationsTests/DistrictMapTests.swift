import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeOperations
import WanggeTestSupport
@testable import WanggePages

/// The SVG map against the cells it is drawn from: every cell once, every vertex where the
/// documented projection puts it.
@Suite struct DistrictMapTests {
    /// `(cell code, the path's rings as absolute vertices)` of every `path.cell`, and the SVG's frame.
    static func cellPaths(_ svg: String) -> (paths: [(code: String, rings: [[(Int, Int)]])], west: Double, north: Double) {
        func attribute(_ tag: Substring, _ name: String) -> String? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            return String(tag[r.upperBound...].prefix { $0 != "\"" })
        }
        let root = svg[svg.range(of: "<svg")!.lowerBound...].prefix { $0 != ">" }
        var paths: [(String, [[(Int, Int)]])] = []
        for piece in svg.components(separatedBy: "<path class=\"cell ").dropFirst() {
            let tag = piece.prefix { $0 != ">" }
            paths.append((attribute(tag, "data-cell") ?? "", rings(attribute(tag, "d") ?? "")))
        }
        return (paths, Double(attribute(root, "data-west")!)!, Double(attribute(root, "data-north")!)!)
    }

    /// Parses `M x y l dx dy … z` (the only commands the map writes) into absolute rings.
    static func rings(_ d: String) -> [[(Int, Int)]] {
        var result: [[(Int, Int)]] = []
        var numbers: [Int] = [], command: Character = " "
        var token = ""
        func flush() {
            if !token.isEmpty { numbers.append(Int(token)!); token = "" }
        }
        func apply() {
            flush()
            if command == "M" { result.append([(numbers[0], numbers[1])]) }
            if command == "l" {
                var k = 0
                while k + 1 < numbers.count {
                    let last = result[result.count - 1].last!
                    result[result.count - 1].append((last.0 + numbers[k], last.1 + numbers[k + 1]))
                    k += 2
                }
            }
            numbers = []
        }
        for ch in d {
            if ch == "M" || ch == "l" || ch == "z" {
                apply(); command = ch
            } else if ch == " " {
                flush()
            } else if ch == "-" {
                flush(); token = "-"
            } else {
                token.append(ch)
            }
        }
        apply()
        return result
    }

    @Test func everyCellIsDrawnOnceWhereTheProjectionPutsIt() throws {
        let (db, dir) = try SampleDistrict.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cells = try SampleDistrict.source(db).district().cells
        #expect(cells.count == 1200)
        let map = try DistrictMap(cells: cells)
        var w = HTMLWriter()
        let figures = [CellFigures](repeating: CellFigures(), count: map.cells.count)
        map.svg(figures: figures, legend: MapLegend.make(.count, figures: figures), ordersLink: "", into: &w)
        let svg = String(decoding: w.bytes, as: UTF8.self)
        let (paths, west, north) = Self.cellPaths(svg)
        #expect(paths.count == cells.count)
        #expect(Set(paths.map(\.code)) == Set(cells.map(\.code)))
        #expect(west == map.frame.west && north == map.frame.north)

        // Each path's rings are the cell's rings projected to EPSG:4549 (x = E − west,
        // y = north − N), within the half metre of rounding; the closing vertex is `z`.
        let projection = try MetricProjection()
        let byCode = Dictionary(uniqueKeysWithValues: cells.map { ($0.code, $0) })
        var vertices = 0, worst = 0.0
        for (code, drawn) in paths {
            let rings = try #require(byCode[code]?.geometry.polygons).flatMap(\.rings)
            #expect(drawn.count == rings.count, "cell \(code)")
            for (ring, path) in zip(rings, drawn) {
                let expected = ring.points.dropLast().map { c -> (Double, Double) in
                    let m = projection.project(c)
                    return (m.x - west, north - m.y)
                }
                #expect(path.count == expected.count, "cell \(code)")
                for (p, e) in zip(path, expected) {
                    worst = max(worst, abs(Double(p.0) - e.0), abs(Double(p.1) - e.1))
                    vertices += 1
                }
            }
        }
        #expect(vertices > 4 * 1200)
        #expect(worst <= 0.5 + 1e-9)
        // The frame holds every vertex, and one unit is a metre: the scale bar's label says so.
        #expect(map.frame.width > 0 && map.frame.height > 0)
        #expect(svg.contains("id=\"scale-bar\" data-metres=\"\(map.scaleBarMetres)\""))
        #expect([1000, 2000].contains(map.scaleBarMetres))  // the sample is about 7 km wide
        // Streets: one outline each over the cells.
        #expect(svg.components(separatedBy: "<path class=\"street\"").count - 1 == 3)
    }

    @Test func legendsFollowTheMeasure() {
        var figures = (0 ..< 10).map { i in
            CellFigures(
                orders: i, rebounds: i % 3, z: Double(i - 5) / 2, bin: [-3, -2, -1, 0, 0, 0, 1, 2, 3, 0][i],
                light: ["red", "yellow", "green", "grey"][i % 4])
        }
        let count = MapLegend.make(.count, figures: figures)
        #expect(count.entries.map(\.label) == ["0", "1–2", "3–4", "5–6", "7–8", "9"])
        #expect(count.classOf(figures[0]) == "k0")
        #expect(count.classOf(figures[9]) == "k\(count.entries.count - 1)")
        let gi = MapLegend.make(.gi, figures: figures)
        #expect(gi.entries.map(\.colour) == ["#d62f27", "#ed7551", "#fab984", "#ffffbf", "#c0ccbe", "#849eba", "#4575b5"])
        #expect(figures.map(gi.classOf) == ["c3", "c2", "c1", "n0", "n0", "n0", "h1", "h2", "h3", "n0"])
        let lights = MapLegend.make(.lights, figures: figures)
        #expect(figures.prefix(4).map(lights.classOf) == ["lr", "ly", "lg", "lx"])
        figures = figures.map {
            var f = $0; f.orders = 0; return f
        }
        #expect(MapLegend.make(.count, figures: figures).entries.map(\.label) == ["0"])
    }
}
