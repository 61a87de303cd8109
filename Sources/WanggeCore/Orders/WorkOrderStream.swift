import Foundation

/// An orders CSV read block by block, so a file of any size is read in bounded memory: each
/// ``next()`` returns the records of the next few megabytes, cut at a record boundary (quoted
/// fields may hold line breaks) and parsed on all cores, with the line numbers and the first
/// error of a single sequential read (the rules of ``WorkOrderCSV/read(_:defaultCRS:mode:keepAttributes:workers:progress:)``).
/// ``restart()`` reads the file again from its start (an import reads it twice: once for the
/// ids, once to store).
public final class WorkOrderStream {
    /// Reads up to `count` more bytes of the file; an empty answer means the end.
    public typealias Source = (_ count: Int) throws -> [UInt8]

    /// The header's columns.
    public private(set) var columns: WorkOrderCSV.Columns
    private let open: () throws -> Source
    private var source: Source
    private let defaultCRS: String
    private let mode: WorkOrderCSV.Mode
    private let keepAttributes: Bool
    private let blockSize: Int
    private let workers: Int
    /// Bytes read but not yet parsed; they start at a record boundary on line `line`.
    private var pending: [UInt8] = []
    private var line = 1
    private var atEnd = false

    /// Opens the file with `open` (called again by ``restart()``) and reads its header.
    /// `blockSize`: bytes read at a time; records come back in pieces of about that size.
    public init(
        defaultCRS: String = "", mode: WorkOrderCSV.Mode, keepAttributes: Bool = true, blockSize: Int = 2 << 20,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, open: @escaping () throws -> Source
    ) throws {
        self.open = open
        self.defaultCRS = defaultCRS
        self.mode = mode
        self.keepAttributes = keepAttributes
        self.blockSize = max(1 << 10, blockSize)
        self.workers = workers
        self.source = try open()
        self.columns = try WorkOrderCSV.Columns(header: WorkOrderCSV.requiredColumns, line: 1)
        try readHeader()
    }

    /// A stream over bytes already in memory.
    public convenience init(
        bytes: [UInt8], defaultCRS: String = "", mode: WorkOrderCSV.Mode, keepAttributes: Bool = true,
        blockSize: Int = 2 << 20
    ) throws {
        try self.init(defaultCRS: defaultCRS, mode: mode, keepAttributes: keepAttributes, blockSize: blockSize) {
            var offset = 0
            return { count in
                let end = min(bytes.count, offset + count)
                defer { offset = end }
                return Array(bytes[offset ..< end])
            }
        }
    }

    /// Starts again from the first record after the header.
    public func restart() throws {
        source = try open()
        pending = []
        line = 1
        atEnd = false
        try readHeader()
    }

    private func readHeader() throws {
        var end: Int?
        while end == nil {
            let more = try source(blockSize)
            if more.isEmpty { atEnd = true; end = pending.count; break }
            pending += more
            end = CSVSplitter.endOfFirstRecord(pending)
        }
        var reader = CSVReader(bytes: Array(pending[..<end!]))
        var fields: [Range<Int>] = []
        guard try reader.next(into: &fields) else {
            throw CSVRowError(line: 1, message: "the file is empty; expected a header with \(WorkOrderCSV.requiredColumns.joined(separator: ","))")
        }
        columns = try WorkOrderCSV.Columns(header: fields.map { reader.string($0) }, line: reader.line)
        line = 1 + pending[..<end!].lazy.filter { $0 == 0x0A }.count
        pending.removeFirst(end!)
    }

    /// The records of the next block, in file order; nil after the last.
    public func next() throws -> [WorkOrderRecord]? {
        try nextBlock { bytes, firstLine in
            try WorkOrderCSV.readBody(
                bytes, firstLine: firstLine, columns: columns, defaultCRS: defaultCRS,
                mode: mode, keepAttributes: keepAttributes, workers: workers)
        }
    }

    /// The order ids of the next block with their lines, in file order; nil after the last.
    /// Rows with a structural problem are left out (the full read reports them).
    public func nextIDs() throws -> [(line: Int, id: String)]? {
        try nextBlock { bytes, firstLine in
            try WorkOrderCSV.readIDs(bytes, firstLine: firstLine, columns: columns, workers: workers)
        }
    }

    private func nextBlock<T: Collection>(_ parse: ([UInt8], Int) throws -> T) throws -> T? {
        while true {
            while !atEnd && pending.count < blockSize {
                let more = try source(blockSize)
                if more.isEmpty { atEnd = true } else { pending += more }
            }
            var end = atEnd ? pending.count : CSVSplitter.endOfLastRecord(pending)
            if end == 0 && !atEnd {
                // A record longer than the block: read on until it ends.
                while end == 0 && !atEnd {
                    let more = try source(blockSize)
                    if more.isEmpty { atEnd = true } else { pending += more }
                    end = atEnd ? pending.count : CSVSplitter.endOfLastRecord(pending)
                }
            }
            guard end > 0 else { return nil }
            let block = Array(pending[..<end])
            pending.removeFirst(end)
            let firstLine = line
            line += block.lazy.filter { $0 == 0x0A }.count
            let parsed = try parse(block, firstLine)
            if !parsed.isEmpty { return parsed }
        }
    }
}

extension CSVSplitter {
    /// The offset just after the line break that ends the last complete record of `bytes`
    /// (which starts at a record boundary); 0 when there is none.
    public static func endOfLastRecord(_ bytes: [UInt8]) -> Int {
        var last = 0
        scanRecordEnds(bytes) {
            last = $0; return true
        }
        return last
    }

    /// The offset just after the line break that ends the first non-blank record; nil when
    /// there is none yet.
    public static func endOfFirstRecord(_ bytes: [UInt8]) -> Int? {
        var first: Int?
        var start = 0
        scanRecordEnds(bytes) { end in
            // Blank lines (and a byte-order mark) before the header are not a record.
            if bytes[start ..< end].contains(where: { $0 != 0x0A && $0 != 0x0D && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) {
                first = end
                return false
            }
            start = end
            return true
        }
        return first
    }

    /// Calls `body` with the offset after each line break that ends a record (the quoting rules
    /// of ``CSVSplitter``), until it returns false.
    static func scanRecordEnds(_ bytes: [UInt8], _ body: (Int) -> Bool) {
        CSVSplitter.forEachRecordEnd(bytes) { end, _ in body(end) }
    }
}
