import Foundation
import Testing
@testable import WanggeCore
import WanggeTestSupport

/// Routing a block of orders (``OrderRouter/assign(_:into:)``, ``OrderRouter/locateCells(_:into:)``)
/// must give, row for row, what routing them one at a time gives: the raster reads are only
/// gathered first, never interpreted differently.
@Suite struct BlockRoutingTests {
    @Test(arguments: ["baoshan", "huangpu"])
    func blocksAnswerAsOneOrderAtATime(district name: String) throws {
        let index = try DistrictIndex(district: try LayerDecoder.district(inDirectory: SampleData.district(name)))
        let router = try OrderRouter(index: index)
        let extent = index.cellGridExtent
        var random = NearestCellTests.Random(state: 20_261_202)
        let categories = index.rules.keys.sorted() + ["没有规则的类别"]
        // Over the extent and 2 km around it, on cell vertices (boundaries), unusable positions,
        // and the same places sent as GCJ-02 and BD-09.
        var orders: [BlockOrder] = []
        let margin = 0.02
        let vertices = index.cellShapes.xs.indices.map { Coordinate(index.cellShapes.xs[$0], index.cellShapes.ys[$0]) }
        for k in 0 ..< 6_000 {
            var p = Coordinate(
                extent.minX - margin + random.next() * (extent.maxX - extent.minX + 2 * margin),
                extent.minY - margin + random.next() * (extent.maxY - extent.minY + 2 * margin))
            if k % 10 == 3 { p = vertices[Int(random.next() * Double(vertices.count))] }
            if k % 97 == 5 { p = Coordinate(.nan, p.y) }
            if k % 89 == 7 { p = Coordinate(p.x, 95) }
            let crs: CoordinateReferenceSystem = k % 13 == 0 ? .gcj02 : k % 17 == 0 ? .bd09 : .wgs84
            orders.append(BlockOrder(position: p, crs: crs, route: index.categoryRoute(for: categories[k % categories.count])))
        }
        var results: [Assignment] = []
        var blocked: [AssignmentRow] = []
        var blockedReasons: [String?] = []
        var start = 0
        var size = 1
        while start < orders.count {
            // Blocks of every size up to twice ``OrderRouter/blockSize``, then full ones.
            let end = min(orders.count, start + size)
            router.assign(Array(orders[start ..< end]), into: &results)
            #expect(results.count == end - start)
            blocked += results.map { AssignmentRow($0, in: index) }
            blockedReasons += results.map(\.invalidReason)
            start = end
            size = size < 2 * OrderRouter.blockSize ? size + 1 : OrderRouter.blockSize
        }
        let singly = orders.map { router.assign($0.position, crs: $0.crs, route: $0.route) }
        let single = singly.map { AssignmentRow($0, in: index) }
        #expect(blocked == single)
        #expect(blockedReasons == singly.map(\.invalidReason))
        #expect(Set(blockedReasons.compactMap { $0?.prefix(30) }).count >= 2, "NaN and out-of-range reasons")
        // The mix is what it should be: every status occurs.
        let statuses = Set(single.map(\.status))
        #expect(statuses == ["inside", "boundary", "snapped", "outside", "invalid"])

        // Cell location alone, in blocks, against one point at a time.
        let points = orders.map(\.position)
        var cells = [Int32](repeating: 0, count: points.count)
        points.withUnsafeBufferPointer { p in
            cells.withUnsafeMutableBufferPointer { c in
                var s = 0
                while s < p.count {
                    let n = min(OrderRouter.blockSize, p.count - s)
                    router.locateCells(UnsafeBufferPointer(rebasing: p[s ..< s + n]), into: UnsafeMutableBufferPointer(rebasing: c[s ..< s + n]))
                    s += n
                }
            }
        }
        #expect(cells.map(Int.init) == points.map { router.locateCell($0).cell })
        #expect(cells.filter { $0 >= 0 }.count > 1_000)

        // The nearest cell alone, in blocks, against one point at a time (covered, uncovered
        // and unusable points alike), to the bit.
        var nearest: [(cell: Int, distanceMetres: Double)?] = [], found: [(cell: Int, distanceMetres: Double)?] = []
        points.withUnsafeBufferPointer { p in
            var s = 0
            while s < p.count {
                let n = min(OrderRouter.blockSize, p.count - s)
                router.nearestCells(wgs84: UnsafeBufferPointer(rebasing: p[s ..< s + n]), into: &found)
                nearest += found
                s += n
            }
        }
        let alone = points.map { router.nearestCell(wgs84: $0) }
        #expect(nearest.count == alone.count)
        let agreeing = zip(nearest, alone).filter { $0?.cell == $1?.cell && $0?.distanceMetres.bitPattern == $1?.distanceMetres.bitPattern }
        #expect(agreeing.count == alone.count)
        #expect(alone.contains { $0 == nil } && alone.filter { ($0?.distanceMetres ?? 0) > 50 }.count > 100)
    }
}
