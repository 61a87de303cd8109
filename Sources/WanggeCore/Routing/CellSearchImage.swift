import Foundation

/// The two slowest parts of a ``DistrictIndex`` to build — the cells' ``CoverageRaster`` and
/// the nearest-cell ``NearestEntryGrid``, about two thirds of the time to open a city of 40,000
/// cells — as bytes that a store keeps beside the cells, so that a process routing orders reads
/// them instead of building them again.
///
/// Bytes are used only for the very cells they were built from. They carry a fingerprint of
/// everything the two structures are a function of: the cells' lon/lat rings in code order,
/// their EPSG:4549 copies as this machine's PROJ computes them, the nearest-cell tree's node
/// boxes, levels and leaf order, the parameters of both builds, and this format's version.
/// They also carry a checksum of their own contents. ``DistrictIndex`` computes the fingerprint
/// of the district it is given, and builds both structures afresh when the fingerprint
/// differs, the checksum fails, or any length, value or node index is out of range. Stale or
/// damaged bytes therefore cost time, never a wrong answer. (The hashes detect change and
/// damage, not tampering: whoever can write these bytes can rewrite the cells.)
///
/// Layout, little-endian but for the arrays, which are in the writing machine's order (the
/// byte-order mark, written in that order too, rejects them on a machine of the other): magic `WGCS`, format
/// version, byte-order mark (`UInt32` each); fingerprint (2 × `UInt64`); payload checksum and
/// length (`UInt64` each); payload. The payload is the raster (origin, pixel size, columns,
/// rows, then its pixels as runs of equal values: values `[Int32]`, lengths `[UInt32]`) and the
/// entry grid (present or not; origin, pixel size, columns, rows, its lists' starts and the
/// listed leaves).
enum CellSearchImage {
    static let magic: UInt32 = 0x5343_4757  // "WGCS" as little-endian bytes
    /// 3: each entry-grid list sorted by box distance after its first (``NearestEntryGrid``).
    static let formatVersion: UInt32 = 3
    static let byteOrderMark: UInt32 = 0x0102_0304
    static let headerSize = 44

    /// Why bytes were not used (for the notes and the tests).
    enum Rejection: Error, Equatable {
        case notAnImage, otherFormat, otherCells, damaged, outOfRange
    }

    /// What the raster and the entry grid are a function of; see the type.
    static func fingerprint(cells: FlatPolygons, metricCells: FlatPolygons, tree: NearestFeatureTree) -> ContentHash.Value {
        var hash = ContentHash()
        hash.add(UInt64(formatVersion))
        for parameter in [
            CoverageRaster.defaultPixelsPerFeature, Double(CoverageRaster.defaultMaximumPixels), NearestFeatureTree.tieMetres,
            NearestFeatureTree.slackMetres, Double(NearestFeatureTree.fanout), Double(NearestEntryGrid.maxSide),
        ] {
            hash.add(parameter.bitPattern)
        }
        for shapes in [cells, metricCells] {
            hash.add(shapes.xs); hash.add(shapes.ys)
            hash.add(shapes.ringStart); hash.add(shapes.polygonStart); hash.add(shapes.featureStart)
        }
        let storage = tree.storage
        let nodes = storage.levelStart.last ?? 0
        hash.add(storage.levelStart)
        hash.add(UnsafeRawBufferPointer(start: storage.boxes, count: 4 * nodes * MemoryLayout<Double>.stride))
        hash.add(UnsafeRawBufferPointer(start: storage.feature, count: storage.leafCount * MemoryLayout<Int32>.stride))
        return hash.value
    }

    /// The bytes of `raster` and `grid`, built for the cells of `fingerprint`.
    static func encode(fingerprint: ContentHash.Value, raster: CoverageRaster, grid: NearestEntryGrid?) -> [UInt8] {
        var payload = ByteWriter()
        payload.append(raster.originX); payload.append(raster.originY)
        payload.append(raster.pixelWidth); payload.append(raster.pixelHeight)
        payload.append(Int64(raster.columns)); payload.append(Int64(raster.rows))
        var values: [Int32] = []
        var lengths: [UInt32] = []
        for k in 0 ..< raster.columns * raster.rows {
            let v = raster.value(at: k)
            if let last = values.last, last == v, lengths[lengths.count - 1] < UInt32.max {
                lengths[lengths.count - 1] += 1
            } else {
                values.append(v); lengths.append(1)
            }
        }
        payload.append(Int64(values.count)); payload.append(contentsOf: values); payload.append(contentsOf: lengths)
        if let grid {
            let pixels = grid.nx * grid.ny
            let listed = Int(grid.start[pixels])
            payload.append(Int64(1))
            payload.append(grid.x0); payload.append(grid.y0); payload.append(grid.size)
            payload.append(Int64(grid.nx)); payload.append(Int64(grid.ny)); payload.append(Int64(listed))
            payload.append(UnsafeBufferPointer(start: grid.start, count: pixels + 1))
            payload.append(contentsOf: grid.allLeaves)
        } else {
            payload.append(Int64(0))
        }
        var image = ByteWriter()
        image.append(magic); image.append(formatVersion)
        withUnsafeBytes(of: byteOrderMark) { image.bytes += $0 }  // in this machine's order, as the arrays are
        image.append(fingerprint.0); image.append(fingerprint.1)
        var checksum = ContentHash()
        payload.bytes.withUnsafeBytes { checksum.add($0) }
        image.append(checksum.value.0); image.append(UInt64(payload.bytes.count))
        image.bytes += payload.bytes
        return image.bytes
    }

    /// The raster and entry grid in `bytes`, if they were built for exactly `fingerprint` and
    /// are whole and in range for `featureCount` features and `tree`.
    static func decode(
        _ bytes: [UInt8], fingerprint: ContentHash.Value, featureCount: Int, tree: NearestFeatureTree
    ) -> Result<(raster: CoverageRaster, grid: NearestEntryGrid?), Rejection> {
        bytes.withUnsafeBytes { raw in
            var header = ByteReader(raw)
            guard let m: UInt32 = header.read(), m == magic else { return .failure(.notAnImage) }
            guard let version: UInt32 = header.read(), version == formatVersion,
                let mark = header.readInMachineOrder(), mark == byteOrderMark
            else { return .failure(.otherFormat) }
            guard let f0: UInt64 = header.read(), let f1: UInt64 = header.read(), f0 == fingerprint.0, f1 == fingerprint.1 else {
                return .failure(.otherCells)
            }
            guard let sum: UInt64 = header.read(), let length: UInt64 = header.read(), length == UInt64(raw.count - headerSize) else {
                return .failure(.damaged)
            }
            let payloadBytes = UnsafeRawBufferPointer(rebasing: raw[headerSize...])
            var checksum = ContentHash()
            checksum.add(payloadBytes)
            guard checksum.value.0 == sum else { return .failure(.damaged) }
            var payload = ByteReader(payloadBytes)
            guard let raster = readRaster(&payload, featureCount: featureCount) else { return .failure(.outOfRange) }
            guard let present: Int64 = payload.read() else { return .failure(.outOfRange) }
            var grid: NearestEntryGrid?
            if present == 1 {
                guard let read = readGrid(&payload, tree: tree) else { return .failure(.outOfRange) }
                grid = read
            } else if present != 0 {
                return .failure(.outOfRange)
            }
            guard payload.remaining == 0 else {
                grid?.deallocate()
                return .failure(.outOfRange)
            }
            return .success((raster, grid))
        }
    }

    private static func readRaster(_ payload: inout ByteReader, featureCount: Int) -> CoverageRaster? {
        guard let originX: Double = payload.read(), let originY: Double = payload.read(),
            let pixelWidth: Double = payload.read(), let pixelHeight: Double = payload.read(),
            let columns64: Int64 = payload.read(), let rows64: Int64 = payload.read(), let runs64: Int64 = payload.read(),
            (0 ... 16_384).contains(columns64), (0 ... 16_384).contains(rows64),
            originX.isFinite, originY.isFinite, pixelWidth > 0, pixelHeight > 0, pixelWidth.isFinite, pixelHeight.isFinite,
            let values: [Int32] = payload.readArray(count: runs64), let lengths: [UInt32] = payload.readArray(count: runs64)
        else { return nil }
        let count = Int(columns64) * Int(rows64)
        var total = 0
        for i in values.indices {
            let v = values[i]
            guard v == CoverageRaster.undecided || v == CoverageRaster.uncovered || (v >= 0 && Int(v) < featureCount) else { return nil }
            total += Int(lengths[i])
        }
        guard total == count else { return nil }
        let narrowed = CoverageRaster.isNarrow(featureCount: featureCount)
        func expand<T>(_ map: (Int32) -> T) -> [T] {
            HugePages.array(count: count) { base in
                var k = 0
                for i in values.indices {
                    let n = Int(lengths[i])
                    (base + k).initialize(repeating: map(values[i]), count: n)
                    k += n
                }
            }
        }
        let narrow: [UInt16] = narrowed ? expand(CoverageRaster.narrowed) : []
        let wide: [Int32] = narrowed ? [] : expand { $0 }
        return CoverageRaster(
            originX: originX, originY: originY, pixelWidth: pixelWidth, pixelHeight: pixelHeight,
            columns: Int(columns64), rows: Int(rows64), narrow: narrow, wide: wide)
    }

    private static func readGrid(_ payload: inout ByteReader, tree: NearestFeatureTree) -> NearestEntryGrid? {
        guard tree.storage.levelStart.count >= 3,
            let x0: Double = payload.read(), let y0: Double = payload.read(), let size: Double = payload.read(),
            let nx64: Int64 = payload.read(), let ny64: Int64 = payload.read(), let listed: Int64 = payload.read(),
            x0.isFinite, y0.isFinite, size > 0, size.isFinite,
            (1 ... Int64(NearestEntryGrid.maxSide)).contains(nx64), (1 ... Int64(NearestEntryGrid.maxSide)).contains(ny64),
            let start: [Int32] = payload.readArray(count: nx64 * ny64 + 1),
            let leaves: [Int32] = payload.readArray(count: listed)
        else { return nil }
        guard start[0] == 0, Int(start[start.count - 1]) == leaves.count else { return nil }
        for i in 1 ..< start.count where start[i] < start[i - 1] { return nil }
        let leafRange = 0 ..< Int32(tree.storage.leafCount)
        for leaf in leaves where !leafRange.contains(leaf) { return nil }
        return NearestEntryGrid(
            x0: x0, y0: y0, size: size, nx: Int(nx64), ny: Int(ny64), start: start, leaves: leaves, leafCount: tree.storage.leafCount)
    }
}

/// A fast hash of words for detecting change and damage (not an adversary): two independent
/// lanes, each a bijection of its state per word (xor or add, multiply by an odd constant, then
/// xor-shift or rotate), so changing any single word changes both lanes; a final mix spreads
/// every bit of both lanes and the length.
struct ContentHash {
    typealias Value = (UInt64, UInt64)
    private var a: UInt64 = 0x243F_6A88_85A3_08D3
    private var b: UInt64 = 0x1319_8A2E_0370_7344
    private var words: UInt64 = 0

    mutating func add(_ word: UInt64) {
        a = (a ^ word) &* 0x9E37_79B9_7F4A_7C15
        a ^= a >> 31
        b = (b &+ word) &* 0xC2B2_AE3D_27D4_EB4F
        b = (b << 27) | (b >> 37)
        words &+= 1
    }

    /// Adds the bytes, eight at a time (the last word padded with zeros), then their count.
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let whole = bytes.count / 8
        for i in 0 ..< whole { add(bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
        if bytes.count % 8 != 0 {
            var tail: UInt64 = 0
            for (shift, byte) in bytes[(8 * whole)...].enumerated() { tail |= UInt64(byte) << (8 * UInt64(shift)) }
            add(tail)
        }
        add(UInt64(bytes.count))
    }

    mutating func add<T>(_ array: [T]) { array.withUnsafeBytes { add($0) } }

    var value: Value {
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return (mix(a ^ mix(words)), mix(b ^ mix(a)))
    }
}

/// Appends fixed-size values as their in-memory (little-endian) bytes.
private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func append(_ value: Double) { append(value.bitPattern) }
    mutating func append<T>(contentsOf array: [T]) { array.withUnsafeBytes { bytes += $0 } }
    mutating func append<T>(_ buffer: UnsafeBufferPointer<T>) { bytes += UnsafeRawBufferPointer(buffer) }
}

/// Reads what ``ByteWriter`` wrote; nil past the end or for a count that cannot fit.
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>() -> T? {
        guard remaining >= MemoryLayout<T>.size else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func read() -> Double? { (read() as UInt64?).map(Double.init(bitPattern:)) }

    mutating func readInMachineOrder() -> UInt32? { (read() as UInt32?).map { UInt32(littleEndian: $0) } }

    mutating func readArray<T>(count: Int64) -> [T]? {
        let stride = MemoryLayout<T>.stride
        guard count >= 0, count <= Int64(remaining / stride) else { return nil }
        let n = Int(count)
        defer { offset += n * stride }
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            if n > 0 {
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + n * stride]))
            }
            initialized = n
        }
    }
}
