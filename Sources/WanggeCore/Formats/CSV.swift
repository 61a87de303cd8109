import Foundation

/// A fast RFC 4180 CSV reader over bytes: fields separated by commas, records by LF or CRLF,
/// double quotes around fields that hold commas, quotes or line breaks, `""` for a quote.
/// A UTF-8 byte-order mark at the start is skipped. Records are returned as byte ranges so
/// callers build only the strings and numbers they need.
///
/// The text must be UTF-8 (``TextEncoding/decode(_:as:)`` transcodes other encodings first):
/// every record holding a non-ASCII byte is validated as it is read, and an invalid sequence
/// throws ``TextDecodingError`` with its line and byte offset, so no field is ever decoded
/// with replacement characters.
public struct CSVReader {
    public let bytes: [UInt8]
    private var offset: Int
    private let end: Int
    /// Whether the bytes were validated as UTF-8 before (see ``init(bytes:range:firstLine:validated:)``).
    private var validated = false
    /// 1-based line number where the last returned record started (for messages).
    public private(set) var line = 0
    /// 1-based line number where the next record starts (blank lines aside).
    public private(set) var nextLine = 1
    /// Where the next record starts in ``bytes``.
    public var position: Int { offset }

    /// Raised for a quote that is never closed or text after a closing quote.
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        self.end = bytes.count
    }

    /// A reader of the records in `range` only, the first of which starts on line `firstLine`
    /// (``CSVSplitter`` finds such ranges so a file can be read in parallel). `validated`: the
    /// caller has checked the whole range is UTF-8 (``TextEncoding/checkUTF8(_:range:firstLine:)``,
    /// one pass over a piece instead of one per record).
    public init(bytes: [UInt8], range: Range<Int>, firstLine: Int, validated: Bool = false) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
        self.nextLine = firstLine
        self.validated = validated
    }

    public init(data: Data) { self.init(bytes: [UInt8](data)) }

    /// Reads the next record into `fields` (ranges into ``bytes``; a quoted field's range
    /// includes its quotes). Returns false at the end. Blank lines are skipped.
    public mutating func next(into fields: inout [Range<Int>]) throws -> Bool {
        fields.removeAll(keepingCapacity: true)
        let n = end
        return try bytes.withUnsafeBufferPointer { b in
            // Skip blank lines.
            while offset < n && (b[offset] == 0x0A || b[offset] == 0x0D) {
                if b[offset] == 0x0A { nextLine += 1 }
                offset += 1
            }
            guard offset < n else { return false }
            line = nextLine
            let recordStart = offset
            var fieldStart = offset
            var i = offset
            // The bits of every byte outside quotes and inside them: a record of ASCII only
            // needs no UTF-8 validation.
            var high: UInt8 = 0
            while true {
                if i < n && b[i] == 0x22 {
                    // Quoted field.
                    i += 1
                    while true {
                        guard i < n else { throw Error(line: line, message: "a quoted field is never closed") }
                        if b[i] == 0x22 {
                            if i + 1 < n && b[i + 1] == 0x22 { i += 2; continue }
                            i += 1
                            break
                        }
                        if b[i] == 0x0A { nextLine += 1 }
                        high |= b[i]
                        i += 1
                    }
                    if i < n && b[i] != 0x2C && b[i] != 0x0A && b[i] != 0x0D {
                        throw Error(line: line, message: "text after a closing quote")
                    }
                } else {
                    while i < n && b[i] != 0x2C && b[i] != 0x0A && b[i] != 0x0D { high |= b[i]; i += 1 }
                }
                fields.append(fieldStart ..< i)
                if i < n && b[i] == 0x2C {
                    i += 1
                    fieldStart = i
                    continue
                }
                // End of record.
                if high >= 0x80 && !validated, let bad = TextEncoding.invalidUTF8(UnsafeBufferPointer(rebasing: b[recordStart ..< i])) {
                    throw Self.invalidUTF8(b, record: recordStart, line: line, bad: bad)
                }
                if i < n && b[i] == 0x0D { i += 1 }
                if i < n && b[i] == 0x0A { i += 1; nextLine += 1 }
                offset = i
                return true
            }
        }
    }

    /// The error for the invalid sequence `bad` (offsets within the record starting at `record`
    /// on `line`). Out of line: it is never on the hot path.
    @inline(never)
    static func invalidUTF8(_ b: UnsafeBufferPointer<UInt8>, record: Int, line: Int, bad: Range<Int>) -> TextDecodingError {
        let at = record + bad.lowerBound
        return TextDecodingError(
            encoding: .utf8, byteOffset: at, line: line + b[record ..< at].count(where: { $0 == 0x0A }),
            bytes: Array(b[at ..< min(record + bad.upperBound, at + 4)]))
    }

    /// The text of a field, unquoted. (``next(into:)`` has validated its record as UTF-8, so the
    /// decoding below never replaces anything.)
    public func string(_ range: Range<Int>) -> String {
        if range.count >= 2 && bytes[range.lowerBound] == 0x22 {
            let inner = bytes[(range.lowerBound + 1) ..< (range.upperBound - 1)]
            guard inner.contains(0x22) else { return String(decoding: inner, as: UTF8.self) }
            // `""` inside a quoted field is one quote.
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(inner.count)
            var previousWasQuote = false
            for b in inner {
                if b == 0x22 && previousWasQuote { previousWasQuote = false; continue }
                previousWasQuote = b == 0x22
                unescaped.append(b)
            }
            return String(decoding: unescaped, as: UTF8.self)
        }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// The field's text without leading and trailing spaces and tabs.
    public func trimmedString(_ range: Range<Int>) -> String {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
        let text = string(lower ..< upper)
        // A quoted field may hold spaces inside its quotes.
        return lower < upper && bytes[lower] == 0x22 ? text.trimmedASCIISpaces : text
    }

    /// Whether a field is empty (or holds only spaces).
    public func isBlank(_ range: Range<Int>) -> Bool {
        bytes[range].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x22 }
    }
}

/// Cuts the records after `start` into about `pieces` ranges that each begin at a record
/// boundary, following the quoting rules of ``CSVReader`` (a quote opens a quoted field only at
/// the start of a field; line breaks inside one do not end a record), with the line number each
/// range starts on.
public enum CSVSplitter {
    public static func split(_ bytes: [UInt8], from start: Int, firstLine: Int, pieces: Int) -> [(range: Range<Int>, firstLine: Int)] {
        splitReadable(bytes, from: start, firstLine: firstLine, pieces: pieces)
            ?? splitFollowingQuotes(bytes, from: start, firstLine: firstLine, pieces: pieces)
    }

    /// The cut of ``split(_:from:firstLine:pieces:)`` made on all cores, for text proven
    /// readable: nil unless every piece is valid UTF-8 and every record holding a quote reads
    /// without error — then ``CSVReader`` (with `validated: true`) cannot fail on any piece,
    /// and a caller may write out one piece's results before the next is read.
    ///
    /// Each cut is the first line feed at or after its target (`memchr`), taken for a record
    /// end; each piece is then checked on its own core from its start: between quotes every
    /// line feed ends a record, so it counts them, and from the start of each record holding a
    /// quote (after the last line feed before the quote) it reads that record with
    /// ``CSVReader``. A piece starting at a record boundary that reads to its end outside
    /// quotes makes the next cut a record boundary too, by induction from `start`; so the
    /// pieces, and the line numbers summed from the counts, are those of
    /// ``splitFollowingQuotes(_:from:firstLine:pieces:)``. A cut inside a quoted field ends
    /// its piece inside the quotes, which fails the check (nil), as does any reading error:
    /// the caller then takes the one-pass scan and lets the reader name the problem.
    static func splitReadable(_ bytes: [UInt8], from start: Int, firstLine: Int, pieces: Int) -> [(range: Range<Int>, firstLine: Int)]? {
        let n = bytes.count
        guard start < n else { return [] }
        let size = max(1 << 16, (n - start) / max(1, pieces))
        var cuts = [start]
        bytes.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            var target = start + size
            // A record ending at `end` (just after its line feed) is cut when end >= target.
            while target < n, let feed = memchr(base + target - 1, 0x0A, n - target + 1) {
                let end = base.distance(to: feed.assumingMemoryBound(to: UInt8.self)) + 1
                guard end < n else { break }
                cuts.append(end)
                target = end + size
            }
        }
        cuts.append(n)
        let cutPoints = cuts
        let lineFeeds = Parallel.map(cuts.count - 1) { k -> Int? in
            readableLineFeeds(bytes, cutPoints[k] ..< cutPoints[k + 1])
        }
        var result: [(range: Range<Int>, firstLine: Int)] = []
        var line = firstLine
        for k in 0 ..< cuts.count - 1 {
            guard let feeds = lineFeeds[k] else { return nil }
            result.append((cuts[k] ..< cuts[k + 1], line))
            line += feeds
        }
        return result
    }

    /// The line feeds in `range` (starting at a record boundary), or nil when it is not valid
    /// UTF-8 or a record holding a quote does not read to an end within it.
    static func readableLineFeeds(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard (try? TextEncoding.checkUTF8(bytes, range: range)) != nil else { return nil }
        return bytes.withUnsafeBufferPointer { b -> Int? in
            let base = b.baseAddress!
            // Eight bytes at a time: with x = word XOR 0x0A…0A, a byte of x is zero exactly where
            // the text has a line feed, and ~(((x & 0x7F…) + 0x7F…) | x | 0x7F…) sets the top
            // bit of exactly those bytes (no carry crosses a byte: (b & 0x7F) + 0x7F ≤ 0xFE).
            func feeds(_ r: Range<Int>) -> Int {
                var count = 0
                var i = r.lowerBound
                let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
                while r.upperBound - i >= 8 {
                    let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ lineFeeds
                    count &+= (~(((x & low7) &+ low7) | x | low7)).nonzeroBitCount
                    i += 8
                }
                while i < r.upperBound { count &+= b[i] == 0x0A ? 1 : 0; i += 1 }
                return count
            }
            var total = 0
            var position = range.lowerBound
            var fields: [Range<Int>] = []
            while position < range.upperBound {
                guard let q = memchr(base + position, 0x22, range.upperBound - position) else {
                    return total + feeds(position ..< range.upperBound)
                }
                let quote = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
                // No quote in position ..< quote: its last line feed ends a record.
                var recordStart = quote
                while recordStart > position && b[recordStart - 1] != 0x0A { recordStart -= 1 }
                total += feeds(position ..< recordStart)
                var reader = CSVReader(bytes: bytes, range: recordStart ..< range.upperBound, firstLine: 0, validated: true)
                guard (try? reader.next(into: &fields)) == true else { return nil }
                // The record must end at its line feed (or the range's end), not in quotes cut off.
                let end = reader.position
                guard end == range.upperBound || b[end - 1] == 0x0A else { return nil }
                total += reader.nextLine
                position = end
            }
            return total
        }
    }

    /// The cut following the quoting rules, one pass over the bytes.
    static func splitFollowingQuotes(_ bytes: [UInt8], from start: Int, firstLine: Int, pieces: Int) -> [(range: Range<Int>, firstLine: Int)] {
        let n = bytes.count
        guard start < n else { return [] }
        let size = max(1 << 16, (n - start) / max(1, pieces))
        var result: [(range: Range<Int>, firstLine: Int)] = []
        var pieceStart = start, pieceLine = firstLine
        var target = start + size
        forEachRecordEnd(bytes, from: start, firstLine: firstLine) { end, line in
            if end >= target && end < n {
                result.append((pieceStart ..< end, pieceLine))
                pieceStart = end; pieceLine = line
                target = end + size
            }
            return true
        }
        result.append((pieceStart ..< n, pieceLine))
        return result
    }

    /// Calls `body` with the offset just after each line feed that ends a record (from
    /// `start`, the rules of ``split(_:from:firstLine:pieces:)``) and the line the next record
    /// starts on, until it returns false.
    @inline(__always)
    public static func forEachRecordEnd(_ bytes: [UInt8], from start: Int = 0, firstLine: Int = 1, _ body: (_ end: Int, _ nextLine: Int) -> Bool) {
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var line = firstLine
            var inQuotes = false, atFieldStart = true
            var i = start
            while i < n {
                let c = b[i]
                if inQuotes {
                    if c == 0x22 {
                        if i + 1 < n && b[i + 1] == 0x22 { i += 1 } else { inQuotes = false }
                    } else if c == 0x0A {
                        line += 1
                    }
                } else if c == 0x22 && atFieldStart {
                    inQuotes = true
                    atFieldStart = false
                } else if c == 0x2C {
                    atFieldStart = true
                } else if c == 0x0A {
                    line += 1
                    atFieldStart = true
                    if !body(i + 1, line) { return }
                } else {
                    atFieldStart = c == 0x0D
                }
                i += 1
            }
        }
    }
}

/// Writes CSV records into a byte buffer, quoting fields only when RFC 4180 requires it.
public struct CSVWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    public mutating func write(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            append(field: f)
        }
        bytes.append(0x0A)
    }

    /// Appends a field already escaped for CSV (see ``escaped(_:)``).
    public mutating func append(escaped field: [UInt8]) { bytes.append(contentsOf: field) }

    /// Appends bytes already escaped for CSV.
    public mutating func append(escaped field: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: field) }

    /// Appends one byte (a separator such as `;`).
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// A field's bytes as they must appear in CSV: quoted when it holds a comma, a quote or a
    /// line break.
    public static func escaped(_ field: String) -> [UInt8] {
        var writer = CSVWriter(capacity: field.utf8.count + 2)
        writer.append(field: field)
        return writer.bytes
    }

    /// Appends one field (call ``endField()`` / ``endRecord()`` between fields yourself).
    public mutating func append(field: String) {
        var f = field
        f.withUTF8 { utf8 in
            if utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                bytes.append(0x22)
                for c in utf8 { bytes.append(c); if c == 0x22 { bytes.append(0x22) } }
                bytes.append(0x22)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    public mutating func endField() { bytes.append(0x2C) }

    /// Appends a non-negative integer in decimal.
    public mutating func append(integer value: Int64) {
        if value >= 10 { append(integer: value / 10) }
        bytes.append(UInt8(48 + value % 10))
    }
    public mutating func endRecord() { bytes.append(0x0A) }

    /// Appends a non-negative number with exactly three decimals (metres to the millimetre).
    public mutating func append(millimetres value: Double) {
        let total = Int64((value * 1000).rounded())
        append(integer: total / 1000)
        bytes.append(0x2E)
        let frac = Int(total % 1000)
        bytes.append(UInt8(48 + frac / 100)); bytes.append(UInt8(48 + (frac / 10) % 10)); bytes.append(UInt8(48 + frac % 10))
    }

    /// Hands out the bytes written so far and empties the buffer.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }
}

extension String {
    /// Without leading and trailing ASCII spaces and tabs (no Foundation, no copy when clean).
    var trimmedASCIISpaces: String {
        let u = utf8
        guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if first == u.startIndex && last == u.index(before: u.endIndex) { return self }
        return String(self[first ... last])
    }
}
