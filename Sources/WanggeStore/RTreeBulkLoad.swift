import CSQLite

/// A box as a 2-D SQLite R*Tree stores it: float32 bounds.
struct RTreeBox: Equatable {
    var minX: Float, maxX: Float, minY: Float, maxY: Float

    /// The box the R*Tree module stores for these bounds: each lower bound rounded down and
    /// each upper bound rounded up to float32 exactly as `rtreeValueDown` / `rtreeValueUp` in
    /// SQLite's rtree.c do it (`(float)d`, and when that went the wrong way
    /// `(float)(d * (1 ∓ 2⁻²³))`), so a bulk-loaded entry is bit-identical to an inserted one.
    init(minX: Double, maxX: Double, minY: Double, maxY: Double) {
        self.minX = Self.roundedDown(minX); self.maxX = Self.roundedUp(maxX)
        self.minY = Self.roundedDown(minY); self.maxY = Self.roundedUp(maxY)
    }

    private init(_ minX: Float, _ maxX: Float, _ minY: Float, _ maxY: Float) {
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY
    }

    private static let towardsZero = 1.0 - 1.0 / 8_388_608.0, awayFromZero = 1.0 + 1.0 / 8_388_608.0

    static func roundedDown(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) > d ? Float(d * (d < 0 ? awayFromZero : towardsZero)) : f
    }

    static func roundedUp(_ d: Double) -> Float {
        let f = Float(d)
        return Double(f) < d ? Float(d * (d < 0 ? towardsZero : awayFromZero)) : f
    }

    func union(_ other: RTreeBox) -> RTreeBox {
        RTreeBox(min(minX, other.minX), max(maxX, other.maxX), min(minY, other.minY), max(maxY, other.maxY))
    }

    var centreX: Float { minX / 2 + maxX / 2 }
    var centreY: Float { minY / 2 + maxY / 2 }
}

/// Fills a 2-D SQLite R*Tree in one pass (Sort-Tile-Recursive packing), instead of one
/// R*Tree insertion per entry (~15 µs each: every insertion reads and rewrites whole nodes
/// through SQL on the shadow tables). A million entries take ~1.4 s instead of ~15 s.
///
/// It writes the R*Tree's shadow tables in the format documented at the top of SQLite's
/// rtree.c, SQLite's on-disk format for R*Trees (which later versions keep reading):
/// - `<name>_node(nodeno INTEGER PRIMARY KEY, data)`: one blob per node, all as long as the
///   root's. Bytes 0–1: the tree depth (root only, leaves are depth 0; 0 elsewhere); bytes
///   2–3: the cell count; then the cells: an 8-byte id (the entry's rowid in a leaf, the child
///   node number otherwise) and the float32 bounds minX, maxX, minY, maxY; all big-endian.
///   The root is node 1.
/// - `<name>_rowid(rowid INTEGER PRIMARY KEY, nodeno)`: the leaf holding each entry.
/// - `<name>_parent(nodeno INTEGER PRIMARY KEY, parentnode)`: each non-root node's parent.
/// A node holds at most `(node size − 4) / 24` cells (51 for SQLite's default 1228-byte
/// nodes) and the R*Tree module keeps non-root nodes at least a third full; packing fills
/// every level's nodes evenly, so they are at least half full. `rtreecheck()` accepts the
/// result, and the module inserts into and deletes from it as from any tree it built itself.
/// The module sees the new tree at once: it keeps a node in memory only while a statement
/// holds it (forgetting the depth with the root), and its open blob handle on `_node`
/// expires when the rows change (it then opens a new one).
enum RTreeBulkLoad {
    struct Entry {
        var id: Int64
        var box: RTreeBox
    }

    /// Replaces the whole content of the R*Tree `rtree` (2-D, float32, no auxiliary columns)
    /// with `entries`. Runs inside the caller's transaction.
    static func replaceContent(of rtree: String, with entries: [Entry], in database: Database) throws {
        let nodeSize = try database.scalar("SELECT length(data) FROM \"\(rtree)_node\" WHERE nodeno = 1").int ?? 0
        let capacity = (nodeSize - 4) / 24
        guard capacity >= 3 else {
            throw DatabaseError(code: SQLITE_CORRUPT, message: "\(rtree) has no R*Tree root node of at least 3 cells (\(nodeSize) bytes)", sql: nil)
        }
        try database.execute("DELETE FROM \"\(rtree)_node\"; DELETE FROM \"\(rtree)_rowid\"; DELETE FROM \"\(rtree)_parent\"")
        let writeNode = try database.prepare("INSERT INTO \"\(rtree)_node\" (nodeno, data) VALUES (?1, ?2)")
        let writeParent = try database.prepare("INSERT INTO \"\(rtree)_parent\" (nodeno, parentnode) VALUES (?1, ?2)")
        var leafOfRow: [(rowid: Int64, node: Int64)] = []
        leafOfRow.reserveCapacity(entries.count)

        var level = entries, depth = 0, nextNode: Int64 = 2
        /// Writes a node of the current level; its cells are rows at depth 0, nodes above.
        func write(_ node: Int64, _ cells: ArraySlice<Entry>, isRoot: Bool) throws {
            try writeNode.run([.integer(node), .blob(blob(cells, depth: isRoot ? depth : 0, size: nodeSize))])
            for cell in cells {
                if depth == 0 { leafOfRow.append((cell.id, node)) } else { try writeParent.run([.integer(cell.id), .integer(node)]) }
            }
        }
        while level.count > capacity {
            var above: [Entry] = []
            for cells in tiles(level, capacity: capacity) {
                try write(nextNode, cells, isRoot: false)
                above.append(Entry(id: nextNode, box: cells.dropFirst().reduce(cells.first!.box) { $0.union($1.box) }))
                nextNode += 1
            }
            level = above
            depth += 1
        }
        try write(1, level[...], isRoot: true)

        leafOfRow.sort { $0.rowid < $1.rowid }
        let writeRowid = try database.prepare("INSERT INTO \"\(rtree)_rowid\" (rowid, nodeno) VALUES (?1, ?2)")
        for (rowid, node) in leafOfRow { try writeRowid.run([.integer(rowid), .integer(node)]) }
    }

    /// `entries` cut into ⌈count / capacity⌉ nodes of near-equal size, tiled: sorted by x
    /// centre into √nodes vertical slices of whole nodes, each slice sorted by y centre.
    static func tiles(_ entries: [Entry], capacity: Int) -> [ArraySlice<Entry>] {
        func share(_ total: Int, _ parts: Int, _ part: Int) -> Int { total / parts + (part < total % parts ? 1 : 0) }
        let nodeCount = (entries.count + capacity - 1) / capacity
        let sliceCount = Int(Double(nodeCount).squareRoot().rounded(.up))
        let byX = entries.sorted { $0.box.centreX < $1.box.centreX }
        var nodes: [ArraySlice<Entry>] = []
        var node = 0, start = 0
        for s in 0 ..< sliceCount {
            let sizes = (node ..< node + share(nodeCount, sliceCount, s)).map { share(entries.count, nodeCount, $0) }
            let slice = byX[start ..< start + sizes.reduce(0, +)].sorted { $0.box.centreY < $1.box.centreY }
            var offset = 0
            for size in sizes {
                nodes.append(slice[offset ..< offset + size])
                offset += size
            }
            node += sizes.count
            start += slice.count
        }
        return nodes
    }

    /// A node's blob: header, cells, zeros up to `size`.
    static func blob(_ cells: ArraySlice<Entry>, depth: Int, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.bigEndian) { for (i, b) in $0.enumerated() { bytes[offset + i] = b } }
        }
        put(UInt16(depth), at: 0)
        put(UInt16(cells.count), at: 2)
        for (i, cell) in cells.enumerated() {
            let at = 4 + 24 * i
            put(cell.id, at: at)
            for (k, bound) in [cell.box.minX, cell.box.maxX, cell.box.minY, cell.box.maxY].enumerated() {
                put(bound.bitPattern, at: at + 8 + 4 * k)
            }
        }
        return bytes
    }
}
