import Foundation
import Testing
@testable import WanggeCore
import WanggeTestSupport

/// The saved bytes of the cells' raster and entry grid (``CellSearchImage``) must give an index
/// that answers exactly as one built from scratch, and must never be used for other cells or
/// when damaged: then the index is built as without them.
@Suite struct CellSearchImageTests {
    static func district(_ name: String) throws -> District {
        let geojson = try Data(contentsOf: SampleData.root.appendingPathComponent("GeoData/\(name)/cells.geojson"))
        var district = District()
        district.cells = LayerDecoder.cells(try GeoJSON.decodeFeatureCollection(geojson), crs: .wgs84).0
        return district
    }

    /// Points over the cells' extent grown by 10 % and up to 20 km beyond it, in lon/lat.
    static func points(around index: DistrictIndex, count: Int) -> [Coordinate] {
        let e = index.cellGridExtent
        var random = NearestCellTests.Random(state: 7)
        let w = e.maxX - e.minX, h = e.maxY - e.minY
        return (0 ..< count).map { k in
            let grow = k % 4 == 0 ? 0.2 + random.next() * 3 : 0.1
            return Coordinate(e.minX - grow * w + random.next() * (1 + 2 * grow) * w, e.minY - grow * h + random.next() * (1 + 2 * grow) * h)
        }
    }

    /// Everything routing reads from the two structures, compared pixel by pixel and list by list.
    static func expectSameSearch(_ a: DistrictIndex, _ b: DistrictIndex) throws {
        let ra = a.cellRaster, rb = b.cellRaster
        #expect(ra.columns == rb.columns && ra.rows == rb.rows && ra.columns * ra.rows > 0)
        #expect(ra.originX == rb.originX && ra.originY == rb.originY && ra.pixelWidth == rb.pixelWidth && ra.pixelHeight == rb.pixelHeight)
        var differing = 0
        for k in 0 ..< ra.columns * ra.rows where ra.value(at: k) != rb.value(at: k) { differing += 1 }
        #expect(differing == 0)
        let ga = try #require(a.cellTree.storage.entryGrid), gb = try #require(b.cellTree.storage.entryGrid)
        #expect(ga.nx == gb.nx && ga.ny == gb.ny && ga.x0 == gb.x0 && ga.y0 == gb.y0 && ga.size == gb.size)
        let pixels = ga.nx * ga.ny
        #expect(Array(UnsafeBufferPointer(start: ga.start, count: pixels + 1)) == Array(UnsafeBufferPointer(start: gb.start, count: pixels + 1)))
        let listed = Int(ga.start[pixels])
        #expect(ga.allLeaves == gb.allLeaves && ga.allLeaves.count == listed)
    }

    /// Full routing of `points` through both indexes, compared field by field.
    static func expectSameAnswers(_ a: DistrictIndex, _ b: DistrictIndex, _ points: [Coordinate]) throws {
        let ra = try OrderRouter(index: a), rb = try OrderRouter(index: b)
        var differing = 0, snapped = 0, inside = 0
        for p in points {
            let x = ra.assign(wgs84: p, category: ""), y = rb.assign(wgs84: p, category: "")
            if x.status != y.status || x.cell != y.cell || x.otherCoveringCells != y.otherCoveringCells || x.distanceMetres != y.distanceMetres {
                differing += 1
            }
            if x.status == .snapped || x.status == .outside { snapped += 1 } else if x.status == .inside { inside += 1 }
        }
        #expect(differing == 0)
        // Both paths were exercised: the raster (inside) and the entry grid (nearest cell).
        #expect(inside > points.count / 4 && snapped > points.count / 10, "inside \(inside), nearest \(snapped)")
    }

    @Test(arguments: ["baoshan", "huangpu"])
    func savedBytesAreReusedAndAnswerAsABuild(district name: String) throws {
        let district = try Self.district(name)
        let built = try DistrictIndex(district: district)
        #expect(!built.reusedCellSearch)
        let image = built.cellSearchImage()
        let reused = try DistrictIndex(district: district, savedCellSearch: image)
        #expect(reused.reusedCellSearch)
        try Self.expectSameSearch(built, reused)
        try Self.expectSameAnswers(built, reused, Self.points(around: built, count: 20_000))
        // Written again, the bytes are the same: nothing was lost or reordered on the way.
        #expect(reused.cellSearchImage() == image)
        // Runs of equal pixels keep the raster's share of the bytes below half its two bytes a pixel.
        let grid = try #require(built.cellTree.storage.entryGrid)
        let gridBytes = (grid.nx * grid.ny + 1) * 4 + Int(grid.start[grid.nx * grid.ny]) * 4
        let rasterPixels = built.cellRaster.columns * built.cellRaster.rows
        #expect(image.count - gridBytes < rasterPixels, "\(image.count - gridBytes) bytes for \(rasterPixels) pixels")
    }

    /// One vertex moved by 10⁻⁹° (about 0.1 mm), or one cell left out: the bytes are for other cells.
    @Test func bytesOfOtherCellsAreNotUsed() throws {
        let district = try Self.district("baoshan")
        let image = try DistrictIndex(district: district).cellSearchImage()
        var moved = district
        let cell = moved.cells[17]
        guard case .polygon(let polygon) = cell.geometry else { Issue.record("cell 17 is not a polygon"); return }
        var ring = polygon.exterior.points
        ring[1] = Coordinate(ring[1].x + 1e-9, ring[1].y)
        moved.cells[17].geometry = .polygon(Polygon(exterior: LinearRing(ring), holes: polygon.holes))
        var fewer = district
        fewer.cells.removeLast()
        for other in [moved, fewer] {
            let fresh = try DistrictIndex(district: other)
            let index = try DistrictIndex(district: other, savedCellSearch: image)
            #expect(!index.reusedCellSearch)
            try Self.expectSameSearch(fresh, index)
            #expect(
                CellSearchImage.decode(image, fingerprint: index.cellSearchFingerprint, featureCount: index.cells.count, tree: index.cellTree)
                    .rejection == .otherCells)
        }
    }

    /// Any damage — a flipped byte anywhere, bytes cut off or added, foreign bytes — is caught
    /// by the header, the checksum or the range checks, never crashes, and the index is built.
    @Test func damagedBytesAreRebuiltNotTrusted() throws {
        let district = try Self.district("huangpu")
        let built = try DistrictIndex(district: district)
        let image = built.cellSearchImage()
        func flipped(_ offset: Int) -> [UInt8] {
            var b = image
            b[offset] ^= 0x10
            return b
        }
        let cases: [(String, [UInt8], CellSearchImage.Rejection)] = [
            ("magic", flipped(0), .notAnImage),
            ("version", flipped(4), .otherFormat),
            ("byte order", flipped(8), .otherFormat),
            ("fingerprint", flipped(12), .otherCells),
            ("checksum", flipped(28), .damaged),
            ("length", flipped(36), .damaged),
            ("first payload byte", flipped(CellSearchImage.headerSize), .damaged),
            ("middle", flipped(image.count / 2), .damaged),
            ("last byte", flipped(image.count - 1), .damaged),
            ("cut short", Array(image.dropLast(7)), .damaged),
            ("header only", Array(image.prefix(CellSearchImage.headerSize)), .damaged),
            ("too short for a header", Array(image.prefix(10)), .otherFormat),
            ("a byte added", image + [0], .damaged),
            ("empty", [], .notAnImage),
            ("text", Array("not an image at all".utf8), .notAnImage),
        ]
        for (what, bytes, rejection) in cases {
            let index = try DistrictIndex(district: district, savedCellSearch: bytes)
            #expect(!index.reusedCellSearch, "\(what)")
            #expect(
                CellSearchImage.decode(bytes, fingerprint: built.cellSearchFingerprint, featureCount: built.cells.count, tree: built.cellTree)
                    .rejection == rejection, "\(what)")
        }
        try Self.expectSameSearch(built, try DistrictIndex(district: district, savedCellSearch: flipped(image.count / 3)))
    }

    /// Bytes whose checksum is right but whose contents do not fit the tree and cells (a listed
    /// leaf that is not a leaf of the tree, a pixel naming a cell that does not exist, lists out
    /// of order) are refused by the range checks rather than read out of bounds.
    @Test func wellFormedButOutOfRangeContentsAreRefused() throws {
        let district = try Self.district("huangpu")
        let built = try DistrictIndex(district: district)
        let grid = try #require(built.cellTree.storage.entryGrid)
        let pixels = grid.nx * grid.ny
        let listed = Int(grid.start[pixels])
        func image(raster: CoverageRaster = built.cellRaster, start: [Int32]? = nil, leaves changed: [Int32]? = nil) -> [UInt8] {
            let start = start ?? Array(UnsafeBufferPointer(start: grid.start, count: pixels + 1))
            let list = changed ?? grid.allLeaves
            let copy = NearestEntryGrid(
                x0: grid.x0, y0: grid.y0, size: grid.size, nx: grid.nx, ny: grid.ny, start: start, leaves: list,
                leafCount: built.cellTree.storage.leafCount)
            defer { copy.deallocate() }
            return CellSearchImage.encode(fingerprint: built.cellSearchFingerprint, raster: raster, grid: copy)
        }
        func decoded(_ bytes: [UInt8]) -> CellSearchImage.Rejection? {
            CellSearchImage.decode(bytes, fingerprint: built.cellSearchFingerprint, featureCount: built.cells.count, tree: built.cellTree).rejection
        }
        #expect(decoded(image()) == nil)
        var rootNode = grid.allLeaves
        rootNode[listed / 2] = Int32(built.cellTree.storage.levelStart.last! - 1)
        #expect(decoded(image(leaves: rootNode)) == .outOfRange)
        var negative = grid.allLeaves
        negative[listed / 3] = -1
        #expect(decoded(image(leaves: negative)) == .outOfRange)
        var unordered = Array(UnsafeBufferPointer(start: grid.start, count: pixels + 1))
        unordered.swapAt(pixels / 2, pixels / 2 + 1)
        if unordered[pixels / 2] == unordered[pixels / 2 + 1] { unordered[pixels / 2] += 1 }
        #expect(decoded(image(start: unordered)) == .outOfRange)
        let r = built.cellRaster
        let noSuchCell = Int32(built.cells.count)
        let wrongRaster = CoverageRaster(
            originX: r.originX, originY: r.originY, pixelWidth: r.pixelWidth, pixelHeight: r.pixelHeight, columns: r.columns, rows: r.rows,
            narrow: [], wide: (0 ..< r.columns * r.rows).map { $0 == 5 ? noSuchCell : r.value(at: $0) })
        #expect(decoded(image(raster: wrongRaster)) == .outOfRange)
    }

    /// Lists are kept two bytes a leaf up to 65,536 leaves and four beyond, and read back the same.
    @Test func listsKeepEveryLeafNarrowOrWide() {
        for (leaves, leafCount) in [([Int32(0), 65_535, 7], 65_536), ([Int32(70_000), 65_536, 3], 70_001)] {
            let grid = NearestEntryGrid(x0: 0, y0: 0, size: 1, nx: 1, ny: 1, start: [0, 3], leaves: leaves, leafCount: leafCount)
            defer { grid.deallocate() }
            #expect(grid.allLeaves == leaves)
            #expect((0 ..< 3).map { grid.leaf(at: $0) } == leaves.map { Int($0) })
        }
    }

    /// The hash notices any single changed word, wherever it is (each lane is a bijection of
    /// its state per word), and the length of what it read.
    @Test func contentHashNoticesEveryChangedWord() {
        let words: [UInt64] = (0 ..< 64).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        func hash(_ w: [UInt64]) -> ContentHash.Value {
            var h = ContentHash()
            h.add(w)
            return h.value
        }
        let base = hash(words)
        for i in words.indices {
            for bit: UInt64 in [1, 1 << 31, 1 << 63] {
                var changed = words
                changed[i] ^= bit
                let v = hash(changed)
                #expect(v.0 != base.0 && v.1 != base.1, "word \(i), bit \(bit)")
            }
        }
        let longer = hash(words + [0])
        #expect(longer.0 != base.0)
    }
}

extension Result {
    /// The failure, nil on success.
    fileprivate var rejection: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
