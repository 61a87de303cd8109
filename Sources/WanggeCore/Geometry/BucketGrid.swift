/// A uniform grid over feature bounding boxes: each bucket lists, in ascending feature order,
/// the features whose box touches it. A point query returns the candidates of one bucket;
/// exactness comes from the predicate run on them afterwards, so the grid only has to be
/// conservative (boxes are closed; see `init` for why no margin is needed).
public struct BucketGrid: Sendable {
    public let origin: Coordinate
    public let bucketWidth: Double
    public let bucketHeight: Double
    public let columns: Int
    public let rows: Int
    /// Bucket b lists `items[start[b] ..< start[b + 1]]`.
    @usableFromInline let start: [Int32]
    @usableFromInline let items: [Int32]

    /// Builds a grid over `boxes` with about `bucketsPerFeature` buckets per feature (16: a
    /// bucket is a quarter of a typical feature's side, so most buckets list 1–3 features).
    public init(boxes: [BoundingBox], bucketsPerFeature: Double = 16) {
        let valid = boxes.filter { $0.minX.isFinite && $0.maxX.isFinite }
        var extent = valid.first ?? BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1)
        for b in valid { extent.include(b) }
        let width = max(extent.maxX - extent.minX, 1e-9), height = max(extent.maxY - extent.minY, 1e-9)
        let target = max(1.0, Double(valid.count) * bucketsPerFeature)
        let side = (width * height / target).squareRoot()
        let columns = max(1, min(4096, Int((width / side).rounded(.up))))
        let rows = max(1, min(4096, Int((height / side).rounded(.up))))
        self.origin = Coordinate(extent.minX, extent.minY)
        self.columns = columns
        self.rows = rows
        // Slightly larger buckets so the last row/column includes the extent's far edge.
        self.bucketWidth = width / Double(columns) * (1 + 1e-12)
        self.bucketHeight = height / Double(rows) * (1 + 1e-12)

        var counts = [Int32](repeating: 0, count: columns * rows + 1)
        // A box's buckets are found with the very expression `bucket(_:_:)` uses for points.
        // Subtraction and division by a positive number are correctly rounded, hence
        // monotone: a point inside a box never maps to a bucket outside the box's range, so
        // no safety margin is needed.
        let origin = self.origin, bucketWidth = self.bucketWidth, bucketHeight = self.bucketHeight
        func span(_ b: BoundingBox) -> (ClosedRange<Int>, ClosedRange<Int>)? {
            guard b.minX.isFinite, b.maxX.isFinite else { return nil }
            let c0 = Self.clamp(Int(((b.minX - origin.x) / bucketWidth).rounded(.down)), columns)
            let c1 = Self.clamp(Int(((b.maxX - origin.x) / bucketWidth).rounded(.down)), columns)
            let r0 = Self.clamp(Int(((b.minY - origin.y) / bucketHeight).rounded(.down)), rows)
            let r1 = Self.clamp(Int(((b.maxY - origin.y) / bucketHeight).rounded(.down)), rows)
            return (c0 ... c1, r0 ... r1)
        }
        let spans = boxes.map(span)
        for s in spans { if let (cs, rs) = s { for r in rs { for c in cs { counts[r * columns + c + 1] += 1 } } } }
        for i in 1 ..< counts.count { counts[i] += counts[i - 1] }
        var fill = counts
        var items = [Int32](repeating: 0, count: Int(counts.last!))
        for (f, s) in spans.enumerated() {
            guard let (cs, rs) = s else { continue }
            for r in rs {
                for c in cs {
                    let b = r * columns + c
                    items[Int(fill[b])] = Int32(f)
                    fill[b] += 1
                }
            }
        }
        self.start = counts
        self.items = items
    }

    @inline(__always) static func clamp(_ v: Int, _ n: Int) -> Int { v < 0 ? 0 : (v >= n ? n - 1 : v) }

    /// The bucket holding the point, or nil when the point lies outside the grid.
    @inlinable
    public func bucket(_ x: Double, _ y: Double) -> Int? {
        let fx = (x - origin.x) / bucketWidth, fy = (y - origin.y) / bucketHeight
        guard fx >= 0, fy >= 0, fx < Double(columns), fy < Double(rows) else { return nil }
        return Int(fy) * columns + Int(fx)
    }

    /// The positions of the point's candidates for ``candidate(at:)`` (empty outside the grid):
    /// for hot loops, which then need no closure (a closure capturing a grid or its features
    /// copies them, retaining every array they hold, at each call).
    @inlinable
    public func candidates(_ x: Double, _ y: Double) -> Range<Int> {
        guard let b = bucket(x, y) else { return 0 ..< 0 }
        return start.withUnsafeBufferPointer { Int($0[b]) ..< Int($0[b + 1]) }
    }

    /// The feature at position `i` of a ``candidates(_:_:)`` range.
    @inlinable
    public func candidate(at i: Int) -> Int { items.withUnsafeBufferPointer { Int($0[i]) } }

    /// Calls `body` with the candidate features of the point's bucket, ascending.
    @inlinable
    public func forEachCandidate(_ x: Double, _ y: Double, _ body: (Int) -> Void) {
        guard let b = bucket(x, y) else { return }
        items.withUnsafeBufferPointer { it in
            for i in Int(start[b]) ..< Int(start[b + 1]) { body(Int(it[i])) }
        }
    }

    /// Calls `body` for every bucket entry in the window (features can repeat across buckets).
    public func forEachCandidate(in window: BoundingBox, _ body: (Int) -> Void) {
        guard window.maxX >= origin.x, window.maxY >= origin.y,
            window.minX <= origin.x + bucketWidth * Double(columns),
            window.minY <= origin.y + bucketHeight * Double(rows)
        else { return }
        let c0 = Self.clamp(Int(((window.minX - origin.x) / bucketWidth).rounded(.down)), columns)
        let c1 = Self.clamp(Int(((window.maxX - origin.x) / bucketWidth).rounded(.down)), columns)
        let r0 = Self.clamp(Int(((window.minY - origin.y) / bucketHeight).rounded(.down)), rows)
        let r1 = Self.clamp(Int(((window.maxY - origin.y) / bucketHeight).rounded(.down)), rows)
        for r in r0 ... r1 {
            for c in c0 ... c1 {
                let b = r * columns + c
                for i in Int(start[b]) ..< Int(start[b + 1]) { body(Int(items[i])) }
            }
        }
    }

    /// The grid's extent.
    public var extent: BoundingBox {
        BoundingBox(
            minX: origin.x, minY: origin.y,
            maxX: origin.x + bucketWidth * Double(columns), maxY: origin.y + bucketHeight * Double(rows))
    }
}
