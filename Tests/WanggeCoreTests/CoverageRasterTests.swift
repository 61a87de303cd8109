import Testing
@testable import WanggeCore

@Suite struct CoverageRasterTests {
    /// Cells of a skewed 12×10 lattice in Shanghai-like coordinates (diagonal edges, shared
    /// vertices), one pair of overlapping cells, and a hole.
    func lattice() -> FlatPolygons {
        var shapes = FlatPolygons()
        func vertex(_ i: Int, _ j: Int) -> (Double, Double) {
            (
                121.4 + Double(i) * 0.0015 + Double((i * 7 + j * 3) % 5) * 0.0001,
                31.3 + Double(j) * 0.0012 + Double((i * 3 + j * 11) % 7) * 0.00007
            )
        }
        for j in 0 ..< 10 {
            for i in 0 ..< 12 {
                shapes.append([Polygon(exterior: closedRing([vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1)]))])
            }
        }
        // Overlaps cells (0,0)…(1,1); and a cell with a hole.
        shapes.append([Polygon(exterior: closedRing([(121.4005, 31.3005), (121.4025, 31.3005), (121.4025, 31.3020), (121.4005, 31.3020)]))])
        shapes.append([
            Polygon(
                exterior: closedRing([(121.43, 31.30), (121.44, 31.30), (121.44, 31.31), (121.43, 31.31)]),
                holes: [closedRing([(121.433, 31.303), (121.433, 31.306), (121.436, 31.306), (121.436, 31.303)])])
        ])
        return shapes
    }

    /// Filled region by region, every decided pixel holds what an exact test at its own centre
    /// says for every feature (one feature: its index; none: uncovered).
    @Test func everyDecidedPixelMatchesItsCentre() {
        let shapes = lattice()
        let raster = CoverageRaster(shapes: shapes, pixelsPerFeature: 256)
        var decided = 0
        for r in 0 ..< raster.rows {
            for c in 0 ..< raster.columns {
                let value = raster.value(at: r * raster.columns + c)
                guard value != CoverageRaster.undecided else { continue }
                decided += 1
                let x = raster.originX + (Double(c) + 0.5) * raster.pixelWidth, y = raster.originY + (Double(r) + 0.5) * raster.pixelHeight
                let inside = (0 ..< shapes.count).filter { shapes.locate(x, y, in: $0) == .interior }
                #expect(inside.isEmpty ? value == CoverageRaster.uncovered : inside == [Int(value)], "pixel (\(c), \(r))")
            }
        }
        #expect(decided > raster.rows * raster.columns / 2)
    }

    /// Every sure answer must equal what the exact test says for every feature.
    @Test func sureAnswersAgreeWithTheExactTest() {
        let shapes = lattice()
        let raster = CoverageRaster(shapes: shapes, pixelsPerFeature: 256)
        #expect(raster.decidedShare > 0.5)
        var state: UInt64 = 42
        func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var points: [(Double, Double)] = (0 ..< 100_000).map { _ in (121.399 + unit() * 0.045, 31.299 + unit() * 0.015) }
        // Points exactly on edges (a vertex, and halfway along axis-parallel edges of the extra cells).
        points += [(121.4005, 31.3010), (121.4025, 31.3012), (121.433, 31.304), (121.435, 31.306), (121.43, 31.305), (121.44, 31.31)]
        var sure = 0
        for (x, y) in points {
            let answer = raster.answer(x, y)
            guard answer != CoverageRaster.undecided else { continue }
            sure += 1
            for f in 0 ..< shapes.count {
                let exact = shapes.locate(x, y, in: f)
                if Int32(f) == answer {
                    #expect(exact == .interior, "(\(x), \(y)) in \(f)")
                } else {
                    #expect(exact == .exterior, "(\(x), \(y)) vs \(f), answer \(answer)")
                }
            }
        }
        #expect(sure > 50_000)
        // On-edge points are never decided by the raster.
        for (x, y) in points.suffix(6) { #expect(raster.answer(x, y) == CoverageRaster.undecided) }
        #expect(raster.answer(.nan, 31.3) == CoverageRaster.undecided)
        #expect(raster.answer(0, 0) == CoverageRaster.undecided)
    }
}
