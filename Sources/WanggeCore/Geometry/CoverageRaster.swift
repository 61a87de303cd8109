/// A raster of answers known for sure: for each pixel, either "every point of this pixel is
/// in the interior of feature k and of no other feature", or "every point of this pixel is
/// covered by no feature", or "undecided" (the exact test must run). Most orders fall in a
/// sure pixel, so routing them costs one memory read instead of several ring tests.
///
/// Why the answers are exact, not approximate:
/// - A point maps to its pixel with `floor((x - originX) / pixelWidth)` (and the same for y).
///   IEEE subtraction and division by a positive number are correctly rounded, hence
///   monotone, so a pixel's points form a closed-open box of doubles and a segment whose
///   bounding box meets that box maps, by the same expression, to a pixel range holding it.
/// - Every pixel met by the bounding box of any ring edge (of each short piece of it, widened
///   by far more than the rounding of the cut points) is undecided. A sure pixel is thus
///   crossed by no boundary, and each feature's location (interior or exterior) is the same
///   for all its points: one exact test at the pixel's centre decides it for all of them.
/// - Pixels inside two or more features (overlapping input) are undecided, so the slow path
///   still lists every covering feature.
public struct CoverageRaster: Sendable {
    /// Pixel value: undecided — run the exact test.
    public static let undecided: Int32 = -1
    /// Pixel value: no feature covers any point of the pixel.
    public static let uncovered: Int32 = -2

    @usableFromInline let originX: Double
    @usableFromInline let originY: Double
    @usableFromInline let pixelWidth: Double
    @usableFromInline let pixelHeight: Double
    @usableFromInline let columns: Int
    @usableFromInline let rows: Int
    /// The pixels, two bytes each while features are fewer than 65,534 (a city's raster then
    /// fits in the last-level cache twice as easily: routing reads one pixel per order at
    /// random): `narrowUndecided`, `narrowUncovered` or the feature index. Otherwise empty,
    /// and `wide` holds them as `Int32`.
    @usableFromInline let narrow: [UInt16]
    @usableFromInline let wide: [Int32]
    @usableFromInline static let narrowUndecided: UInt16 = 0xFFFF
    @usableFromInline static let narrowUncovered: UInt16 = 0xFFFE
    /// The resolution of a district's cell raster: about 256 pixels per cell, at most 2²⁴ in all.
    public static let defaultPixelsPerFeature: Double = 256
    public static let defaultMaximumPixels = 1 << 24

    /// Builds the raster over the features' extent with about `pixelsPerFeature` pixels per
    /// feature, at most `maximumPixels` in all.
    public init(shapes: FlatPolygons, pixelsPerFeature: Double = defaultPixelsPerFeature, maximumPixels: Int = defaultMaximumPixels) {
        var extent: BoundingBox?
        for b in shapes.boxes where b.minX.isFinite && b.maxX.isFinite && b.minY.isFinite && b.maxY.isFinite {
            if extent == nil { extent = b } else { extent!.include(b) }
        }
        guard let extent, extent.maxX > extent.minX, extent.maxY > extent.minY, shapes.count > 0 else {
            originX = 0; originY = 0; pixelWidth = 1; pixelHeight = 1; columns = 0; rows = 0; narrow = []; wide = []
            return
        }
        let width = extent.maxX - extent.minX, height = extent.maxY - extent.minY
        let target = min(Double(maximumPixels), max(1, Double(shapes.count) * pixelsPerFeature))
        let side = (width * height / target).squareRoot()
        let columns = max(1, min(16_384, Int((width / side).rounded(.up))))
        let rows = max(1, min(16_384, Int((height / side).rounded(.up))))
        self.originX = extent.minX
        self.originY = extent.minY
        // Slightly wider pixels so the extent's far edge falls in the last column and row.
        self.pixelWidth = width / Double(columns) * (1 + 1e-12)
        self.pixelHeight = height / Double(rows) * (1 + 1e-12)
        self.columns = columns
        self.rows = rows

        let originX = extent.minX, originY = extent.minY, pw = pixelWidth, ph = pixelHeight
        func column(_ x: Double) -> Int { min(columns - 1, max(0, Int(((x - originX) / pw).rounded(.down)))) }
        func row(_ y: Double) -> Int { min(rows - 1, max(0, Int(((y - originY) / ph).rounded(.down)))) }

        var values = [Int32](repeating: Self.uncovered, count: columns * rows)
        // 1. Pixels met by an edge are undecided. A long edge is cut into pieces about one
        //    pixel long; the computed cut points are within a few ulps of the true segment,
        //    so each piece's box is widened by `slack` (far more than those ulps) to stay
        //    conservative.
        let slack = 1e-9 * max(1, abs(originX), abs(originY), abs(extent.maxX), abs(extent.maxY))
        shapes.forEachEdge { ax, ay, bx, by in
            let pieces = max(1, Int((max(abs(bx - ax) / pw, abs(by - ay) / ph)).rounded(.up)))
            var x0 = ax, y0 = ay
            for k in 1 ... pieces {
                let t = Double(k) / Double(pieces)
                let x1 = k == pieces ? bx : ax + (bx - ax) * t, y1 = k == pieces ? by : ay + (by - ay) * t
                let c0 = column(min(x0, x1) - slack), c1 = column(max(x0, x1) + slack)
                let r0 = row(min(y0, y1) - slack), r1 = row(max(y0, y1) + slack)
                for r in r0 ... r1 { for c in c0 ... c1 { values[r * columns + c] = Self.undecided } }
                x0 = x1; y0 = y1
            }
        }
        // 2. The other pixels inside a feature's box, region by region. Pixels left decided that
        //    touch side by side form regions that no edge meets (step 1 marked every pixel an
        //    edge meets, closed box included, thanks to the slack), so the segment between two
        //    neighbouring centres crosses no edge and all centres of a region lie on the same
        //    side of the feature's boundary: one exact test at one centre decides the region.
        //    (The same answers as a test at every centre, for a test per region.) A centre
        //    that rounds into another row leaves its pixel as it is; into another column, it
        //    makes it undecided.
        let overlapped: Int32 = -3
        let rowCentred = (0 ..< rows).map { r in row(originY + (Double(r) + 0.5) * ph) == r }
        let columnCentred = (0 ..< columns).map { c in column(originX + (Double(c) + 0.5) * pw) == c }
        // Scratch as raw buffers, sized for the largest box (no uniqueness or bounds checks per
        // pixel): which pixels of the box were looked at, the flood's stack, the region.
        var largestBox = 1
        for b in shapes.boxes where b.minX.isFinite && b.maxX.isFinite && b.minY.isFinite && b.maxY.isFinite {
            largestBox = max(largestBox, (row(b.maxY) - row(b.minY) + 1) * (column(b.maxX) - column(b.minX) + 1))
        }
        let seenBy = UnsafeMutableBufferPointer<Int32>.allocate(capacity: largestBox)
        let stack = UnsafeMutableBufferPointer<Int32>.allocate(capacity: largestBox)
        let region = UnsafeMutableBufferPointer<Int32>.allocate(capacity: largestBox)
        defer { seenBy.deallocate(); stack.deallocate(); region.deallocate() }
        values.withUnsafeMutableBufferPointer { values in
            for f in 0 ..< shapes.count {
                let b = shapes.boxes[f]
                guard b.minX.isFinite, b.maxX.isFinite, b.minY.isFinite, b.maxY.isFinite else { continue }
                let r0 = row(b.minY), r1 = row(b.maxY), c0 = column(b.minX), c1 = column(b.maxX)
                let w = c1 - c0 + 1, h = r1 - r0 + 1
                let box = UnsafeMutableBufferPointer(rebasing: seenBy[0 ..< w * h])
                box.update(repeating: 0)
                // Whether a pixel of the box joins a region (marking those whose centre is off).
                func joins(_ r: Int, _ c: Int) -> Bool {
                    guard rowCentred[r] else { return false }
                    let k = r * columns + c
                    let v = values[k]
                    guard v != Self.undecided else { return false }
                    guard columnCentred[c] else {
                        if v != overlapped { values[k] = Self.undecided }
                        return false
                    }
                    return true
                }
                for r in r0 ... r1 {
                    for c in c0 ... c1 {
                        let local = (r - r0) * w + (c - c0)
                        guard box[local] == 0 else { continue }
                        box[local] = 1
                        guard joins(r, c) else { continue }
                        var regionCount = 0, stackCount = 1
                        stack[0] = Int32(local)
                        while stackCount > 0 {
                            stackCount -= 1
                            let l = Int(stack[stackCount])
                            region[regionCount] = Int32(l)
                            regionCount += 1
                            let lr = l / w, lc = l % w
                            func visit(_ nr: Int, _ nc: Int) {
                                let n = nr * w + nc
                                guard box[n] == 0 else { return }
                                box[n] = 1
                                if joins(r0 + nr, c0 + nc) { stack[stackCount] = Int32(n); stackCount += 1 }
                            }
                            if lr > 0 { visit(lr - 1, lc) }
                            if lr < h - 1 { visit(lr + 1, lc) }
                            if lc > 0 { visit(lr, lc - 1) }
                            if lc < w - 1 { visit(lr, lc + 1) }
                        }
                        let x = originX + (Double(c) + 0.5) * pw, y = originY + (Double(r) + 0.5) * ph
                        guard shapes.locate(x, y, in: f) == .interior else { continue }
                        for l in region[0 ..< regionCount] {
                            let l = Int(l)
                            let k = (r0 + l / w) * columns + c0 + l % w
                            values[k] = values[k] == Self.uncovered ? Int32(f) : overlapped
                        }
                    }
                }
            }
        }
        for k in values.indices where values[k] == overlapped { values[k] = Self.undecided }
        if Self.isNarrow(featureCount: shapes.count) {
            let pixels = values
            narrow = HugePages.array(count: pixels.count) { k in Self.narrowed(pixels[k]) }
            wide = []
        } else {
            narrow = []
            wide = values
        }
    }

    /// Whether a raster of `featureCount` features keeps its pixels two bytes each.
    static func isNarrow(featureCount: Int) -> Bool { featureCount < Int(narrowUncovered) }

    /// A pixel value as the two-byte raster keeps it.
    static func narrowed(_ value: Int32) -> UInt16 {
        switch value {
        case undecided: narrowUndecided
        case uncovered: narrowUncovered
        default: UInt16(truncatingIfNeeded: value)
        }
    }

    /// A raster from its parts, as ``CellSearchImage`` reads them back.
    init(originX: Double, originY: Double, pixelWidth: Double, pixelHeight: Double, columns: Int, rows: Int, narrow: [UInt16], wide: [Int32]) {
        self.originX = originX; self.originY = originY; self.pixelWidth = pixelWidth; self.pixelHeight = pixelHeight
        self.columns = columns; self.rows = rows; self.narrow = narrow; self.wide = wide
    }

    /// The value of pixel `k` (row-major): a feature index, ``uncovered`` or ``undecided``.
    @inlinable @inline(__always)
    func value(at k: Int) -> Int32 {
        if wide.isEmpty {
            // 0xFFFE → -2 (uncovered), 0xFFFF → -1 (undecided), others as they are: a select,
            // not a branch on the value just read (a mispredicted one waits for the read).
            let v = Int32(narrow.withUnsafeBufferPointer { $0[k] })
            return v - (v >= Int32(Self.narrowUncovered) ? 0x10000 : 0)
        }
        return wide.withUnsafeBufferPointer { $0[k] }
    }

    /// The sure answer for a point: a feature index, ``uncovered``, or ``undecided`` (also
    /// for points outside the raster and for NaN).
    @inlinable @inline(__always)
    public func answer(_ x: Double, _ y: Double) -> Int32 {
        let fx = (x - originX) / pixelWidth, fy = (y - originY) / pixelHeight
        guard fx >= 0, fy >= 0, fx < Double(columns), fy < Double(rows) else { return Self.undecided }
        return value(at: Int(fy) * columns + Int(fx))
    }

    /// The share of pixels with a sure answer (for `wangge bench`).
    public var decidedShare: Double {
        let count = columns * rows
        return count == 0 ? 0 : Double((0 ..< count).lazy.filter { value(at: $0) != Self.undecided }.count) / Double(count)
    }
}

extension FlatPolygons {
    /// Calls `body` with every ring edge (a one-vertex ring yields a zero-length edge).
    func forEachEdge(_ body: (Double, Double, Double, Double) -> Void) {
        for r in 0 ..< ringStart.count - 1 {
            let start = Int(ringStart[r]), end = Int(ringStart[r + 1])
            if end - start == 1 { body(xs[start], ys[start], xs[start], ys[start]); continue }
            for i in start ..< max(start, end - 1) { body(xs[i], ys[i], xs[i + 1], ys[i + 1]) }
        }
    }
}
