import Testing
@testable import WanggeCore

/// Closed axis-aligned rectangle polygon (counter-clockwise).
private func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Polygon {
    Polygon(
        exterior: LinearRing([
            Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0),
        ]))
}

private func square(_ x: Double, _ y: Double, side: Double = 1) -> Geometry {
    .polygon(rect(x, y, x + side, y + side))
}

private func ring(_ xy: [(Double, Double)]) -> LinearRing {
    LinearRing(xy.map { Coordinate($0.0, $0.1) })
}

/// The 3×3 grid of unit squares over [0,3]², optionally without some cells (column, row).
private func grid3x3(without missing: Set<[Int]> = []) -> [Geometry] {
    var out: [Geometry] = []
    for i in 0 ..< 3 { for j in 0 ..< 3 where !missing.contains([i, j]) { out.append(square(Double(i), Double(j))) } }
    return out
}

@Suite("GeometryChecker: validity")
struct GeometryValidityTests {
    let checker = GeometryChecker()

    @Test func validSquareHasNoProblem() {
        #expect(checker.validityProblem(of: square(0, 0)) == nil)
        #expect(checker.validityProblem(of: .multiPolygon([rect(0, 0, 1, 1), rect(2, 0, 3, 1)])) == nil)
    }

    @Test func bowTieIsASelfIntersectionAtItsCrossing() throws {
        let bowTie = Geometry.polygon(Polygon(exterior: ring([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])))
        let problem = try #require(checker.validityProblem(of: bowTie))
        #expect(problem.reason.contains("Self-intersection"))
        #expect(problem.location == Coordinate(1, 1))
        #expect(problem.description == "\(problem.reason) at (1.0 1.0)")
    }

    @Test func locationPrintsFullPrecision() {
        let p = GeometryProblem(reason: "Self-intersection", location: Coordinate(121.41, 31.29))
        #expect(p.description == "Self-intersection at (121.41 31.29)")
        #expect(GeometryProblem(reason: "x").description == "x")
    }

    @Test func ringWithThreePositionsIsRejectedBeforeGEOS() throws {
        let tooShort = Geometry.polygon(Polygon(exterior: ring([(0, 0), (1, 0), (0, 0)])))
        let problem = try #require(checker.validityProblem(of: tooShort))
        #expect(problem.reason == "exterior ring has 3 positions; a closed ring needs at least 4")
        #expect(problem.location == Coordinate(0, 0))
        #expect(checker.area(of: tooShort).isNaN)
    }

    @Test func unclosedRingIsRejectedBeforeGEOS() throws {
        let open = Geometry.polygon(Polygon(exterior: ring([(0, 0), (1, 0), (1, 1), (0, 1)])))
        let problem = try #require(checker.validityProblem(of: open))
        #expect(problem.reason == "exterior ring is not closed: it starts at (0.0 0.0) but ends at (0.0 1.0)")
    }

    @Test func emptyRingsAndHolesAreNamed() throws {
        let empty = Geometry.polygon(Polygon(exterior: LinearRing([])))
        #expect(checker.validityProblem(of: empty) == GeometryProblem(reason: "exterior ring is empty"))
        var withBadHole = rect(0, 0, 4, 4)
        withBadHole.holes = [ring([(1, 1), (2, 1), (2, 2)])]
        let problem = try #require(checker.validityProblem(of: .multiPolygon([rect(10, 10, 11, 11), withBadHole])))
        #expect(problem.reason == "polygon 1: hole 0 has 3 positions; a closed ring needs at least 4")
        #expect(checker.validityProblem(of: .multiPolygon([])) == GeometryProblem(reason: "MultiPolygon has no polygons"))
    }

    @Test func holeOutsideShellIsNamed() throws {
        var p = rect(0, 0, 1, 1)
        p.holes = [ring([(5, 5), (5, 6), (6, 6), (6, 5), (5, 5)])]
        let problem = try #require(checker.validityProblem(of: .polygon(p)))
        #expect(problem.reason.contains("Hole lies outside shell"))
        #expect(problem.location == Coordinate(5, 5))
    }

    @Test func nonFiniteCoordinatesAreRejected() throws {
        let bad = Geometry.polygon(Polygon(exterior: ring([(0, 0), (1, 0), (.nan, 1), (0, 0)])))
        let problem = try #require(checker.validityProblem(of: bad))
        #expect(problem.reason.hasPrefix("non-finite coordinate"))
        #expect(problem.location == nil)
        #expect(problem == problem)  // no NaN inside, so still Equatable-sane
        #expect(checker.validityProblem(of: .point(Coordinate(.infinity, 0)))?.reason.hasPrefix("non-finite coordinate") == true)
    }

    @Test func pointsAndLinesGoThroughGEOS() throws {
        #expect(checker.validityProblem(of: .point(Coordinate(121.4, 31.2))) == nil)
        #expect(checker.validityProblem(of: .lineString([Coordinate(0, 0), Coordinate(1, 1)])) == nil)
        #expect(checker.validityProblem(of: .multiPoint([Coordinate(0, 0), Coordinate(0, 0)])) == nil)
        // Two coincident positions: GEOS builds the line but calls it invalid.
        let degenerate = try #require(checker.validityProblem(of: .lineString([Coordinate(3, 4), Coordinate(3, 4)])))
        #expect(degenerate.reason == "Too few points in geometry component")
        #expect(degenerate.location == Coordinate(3, 4))
        #expect(
            checker.validityProblem(of: .lineString([Coordinate(3, 4)]))?.reason
                == "line string has 1 position; a line needs at least 2")
    }
}

@Suite("GeometryChecker: area and conversion")
struct GeometryAreaTests {
    let checker = GeometryChecker()

    @Test func areaOfPolygons() {
        var framed = rect(0, 0, 4, 4)
        framed.holes = [Polygon(exterior: ring([(1, 1), (1, 2), (2, 2), (2, 1), (1, 1)])).exterior]
        #expect(checker.area(of: .polygon(framed)) == 15)
        #expect(checker.area(of: .multiPolygon([rect(0, 0, 2, 3), rect(5, 5, 6, 6)])) == 7)
        #expect(checker.area(of: .point(Coordinate(1, 1))) == 0)
    }

    @Test func geometriesRoundTripThroughGEOS() throws {
        let context = GEOSContext()
        var framed = rect(0, 0, 4, 4)
        framed.holes = [ring([(1, 1), (1, 2), (2, 2), (2, 1), (1, 1)])]
        let samples: [Geometry] = [
            .point(Coordinate(121.41, 31.29)),
            .lineString([Coordinate(0, 0), Coordinate(1, 2), Coordinate(3, 1)]),
            .polygon(framed),
            .multiPoint([Coordinate(0, 0), Coordinate(1, 1)]),
            .multiLineString([[Coordinate(0, 0), Coordinate(1, 1)], [Coordinate(2, 2), Coordinate(3, 3)]]),
            .multiPolygon([framed, rect(10, 10, 11, 12)]),
        ]
        for g in samples {
            let made = try context.makeGEOS(g)
            #expect(made.wanggeGeometry == g)
        }
    }

    @Test func unionResultConvertsBack() throws {
        let context = GEOSContext()
        let parts = try [square(0, 0), square(1, 0)].map { try context.makeGEOS($0) }
        let union = try #require(context.unaryUnion(of: parts))
        let back = try #require(union.wanggeGeometry)
        #expect(back.polygons?.count == 1)
        #expect(
            Set(back.allCoordinates) == [
                Coordinate(0, 0), Coordinate(1, 0), Coordinate(2, 0),
                Coordinate(2, 1), Coordinate(1, 1), Coordinate(0, 1),
            ]
                || Set(back.allCoordinates) == [Coordinate(0, 0), Coordinate(2, 0), Coordinate(2, 1), Coordinate(0, 1)])
        #expect(checker.area(of: back) == 2)
    }
}

@Suite("GeometryChecker: overlaps")
struct GeometryOverlapTests {
    let checker = GeometryChecker()

    @Test func halfOverlappingSquares() throws {
        let found = checker.overlaps(among: [square(0, 0), .polygon(rect(0.5, 0, 1.5, 1))], minimumArea: 0)
        #expect(found.count == 1)
        let o = try #require(found.first)
        #expect(o.first == 0 && o.second == 1)
        #expect(o.area == 0.5)
        #expect(o.location.x >= 0.5 && o.location.x <= 1 && o.location.y >= 0 && o.location.y <= 1)
    }

    @Test func sharedEdgesAndCornersAreNotOverlaps() {
        #expect(checker.overlaps(among: [square(0, 0), square(1, 0)], minimumArea: 0).isEmpty)
        #expect(checker.overlaps(among: [square(0, 0), square(1, 1)], minimumArea: 0).isEmpty)
        // Even when the minimum is negative (clamped to 0).
        #expect(checker.overlaps(among: [square(0, 0), square(1, 0)], minimumArea: -1).isEmpty)
        // Triangles with the same bounding box: sharing the hypotenuse (intersection is a
        // line, area 0), and disjoint (rejected by the prepared intersects test).
        let lower = Geometry.polygon(Polygon(exterior: ring([(0, 0), (2, 0), (0, 2), (0, 0)])))
        let upper = Geometry.polygon(Polygon(exterior: ring([(2, 0), (2, 2), (0, 2), (2, 0)])))
        let apart = Geometry.polygon(Polygon(exterior: ring([(2, 0.5), (2, 2), (0.5, 2), (2, 0.5)])))
        #expect(checker.overlaps(among: [lower, upper], minimumArea: 0).isEmpty)
        #expect(checker.overlaps(among: [lower, apart], minimumArea: 0).isEmpty)
    }

    @Test func overlapsAtOrBelowTheMinimumAreIgnored() {
        let pair = [square(0, 0), .polygon(rect(0.5, 0, 1.5, 1))]
        #expect(checker.overlaps(among: pair, minimumArea: 1.0).isEmpty)
        #expect(checker.overlaps(among: pair, minimumArea: 0.5).isEmpty)  // strictly greater
        #expect(checker.overlaps(among: pair, minimumArea: 0.49).count == 1)
    }

    @Test func pointsAndLinesAreSkippedButKeepTheirIndices() {
        let found = checker.overlaps(
            among: [
                .point(Coordinate(0.7, 0.5)), square(0, 0),
                .lineString([Coordinate(0, 0), Coordinate(2, 2)]),
                .polygon(rect(0.5, 0, 1.5, 1)),
            ], minimumArea: 0)
        #expect(found.map { [$0.first, $0.second] } == [[1, 3]])
    }

    @Test func multiPolygonsAndInvalidInputs() {
        let multi = Geometry.multiPolygon([rect(0, 0, 1, 1), rect(5, 5, 6, 6)])
        let bowTie = Geometry.polygon(Polygon(exterior: ring([(5, 5), (7, 7), (7, 5), (5, 7), (5, 5)])))
        let found = checker.overlaps(among: [multi, bowTie, .polygon(rect(0, 0, 0.5, 0.5))], minimumArea: 0)
        #expect(found.map { [$0.first, $0.second] } == [[0, 1], [0, 2]])
        // The repaired bow-tie's left triangle covers half of [5,6]²; the small square is a quarter of [0,1]².
        #expect(found.map(\.area) == [0.5, 0.25])
    }

    @Test func twoThousandCellLatticeWithOneIntruder() throws {
        var cells: [Geometry] = []
        for row in 0 ..< 50 { for column in 0 ..< 40 { cells.append(square(Double(column), Double(row))) } }
        #expect(cells.count == 2000)
        cells.append(.polygon(rect(10.5, 20.5, 11.5, 21.5)))  // a quarter of each of four cells
        let clock = ContinuousClock()
        var found: [Overlap] = []
        let elapsed = clock.measure { found = checker.overlaps(among: cells, minimumArea: 0.01) }
        let expected = [20 * 40 + 10, 20 * 40 + 11, 21 * 40 + 10, 21 * 40 + 11]
        #expect(found.map(\.first) == expected)
        #expect(found.allSatisfy { $0.second == 2000 && $0.area == 0.25 })
        for o in found {
            let column = Double(o.first % 40), row = Double(o.first / 40)
            #expect(o.location.x >= column && o.location.x <= column + 1 && o.location.y >= row && o.location.y <= row + 1)
        }
        print("overlaps among 2,001 cells: \(elapsed)")
    }
}

@Suite("GeometryChecker: gaps")
struct GeometryGapTests {
    let checker = GeometryChecker()

    @Test func missingCentreCellIsAGap() throws {
        let gaps = checker.gaps(in: grid3x3(without: [[1, 1]]), minimumArea: 0)
        #expect(gaps.count == 1)
        let gap = try #require(gaps.first)
        #expect(gap.area == 1)
        #expect(gap.location.x > 1 && gap.location.x < 2 && gap.location.y > 1 && gap.location.y < 2)
    }

    @Test func fullGridHasNoGaps() {
        #expect(checker.gaps(in: grid3x3(), minimumArea: 0).isEmpty)
    }

    @Test func openBaysAreNotGaps() {
        #expect(checker.gaps(in: grid3x3(without: [[1, 1], [1, 2]]), minimumArea: 0).isEmpty)
    }

    @Test func smallHoleIsFilteredByMinimumArea() throws {
        // Centre cell three-quarters covered: a 0.5 × 0.5 hole at [1.5,2]×[1.5,2].
        let cells =
            grid3x3(without: [[1, 1]]) + [
                .polygon(rect(1, 1, 1.5, 1.5)), .polygon(rect(1.5, 1, 2, 1.5)), .polygon(rect(1, 1.5, 1.5, 2)),
            ]
        #expect(checker.gaps(in: cells, minimumArea: 1).isEmpty)
        let small = checker.gaps(in: cells, minimumArea: 0.1)
        #expect(small.count == 1)
        let gap = try #require(small.first)
        #expect(gap.area == 0.25)
        #expect(gap.location.x > 1.5 && gap.location.x < 2 && gap.location.y > 1.5 && gap.location.y < 2)
    }

    @Test func islandsInsideAHoleAreSubtracted() throws {
        let cells = grid3x3(without: [[1, 1]]) + [.polygon(rect(1.25, 1.25, 1.75, 1.75))]
        let gaps = checker.gaps(in: cells, minimumArea: 0)
        #expect(gaps.count == 1)
        let gap = try #require(gaps.first)
        #expect(gap.area == 0.75)
        let inIsland = gap.location.x >= 1.25 && gap.location.x <= 1.75 && gap.location.y >= 1.25 && gap.location.y <= 1.75
        #expect(!inIsland)
        #expect(gap.location.x > 1 && gap.location.x < 2 && gap.location.y > 1 && gap.location.y < 2)
    }

    @Test func twoSeparateGaps() {
        // 5×3 strip of cells with two holes: cells (1,1) and (3,1) missing.
        var cells: [Geometry] = []
        for i in 0 ..< 5 { for j in 0 ..< 3 where !(j == 1 && (i == 1 || i == 3)) { cells.append(square(Double(i), Double(j))) } }
        let gaps = checker.gaps(in: cells, minimumArea: 0)
        #expect(gaps.map(\.area) == [1, 1])
        #expect(gaps.map { Int($0.location.x) } == [1, 3])
    }
}
