import Testing
@testable import WanggeCore

@Suite struct CSVSplitterTests {
    /// Reading the pieces one after another gives exactly the records (and line numbers) of
    /// one reader over the whole file, whatever the quoting.
    @Test func piecesReadLikeTheWholeFile() throws {
        var text = "id,note,n\n"
        for i in 0 ..< 40_000 {
            switch i % 5 {
            case 0: text += "\(i),\"two\nlines, and \"\"quotes\"\"\",\(i)\n"
            case 1: text += "\(i),plain,\(i)\r\n"
            case 2: text += "\(i),\"\",\(i)\n\n"
            case 3: text += "\(i),a\"b,\(i)\n"
            default: text += "\(i),\"\"\"\n\",\(i)\n"
            }
        }
        let bytes = Array(text.utf8)
        func records(_ reader: inout CSVReader) throws -> [(Int, [String])] {
            var out: [(Int, [String])] = []
            var fields: [Range<Int>] = []
            while try reader.next(into: &fields) { out.append((reader.line, fields.map(reader.string))) }
            return out
        }
        var whole = CSVReader(bytes: bytes)
        let all = try records(&whole)
        var header = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        _ = try header.next(into: &fields)
        let pieces = CSVSplitter.split(bytes, from: header.position, firstLine: header.nextLine, pieces: 16)
        #expect(pieces.count > 8)
        var joined: [(Int, [String])] = []
        for piece in pieces {
            var reader = CSVReader(bytes: bytes, range: piece.range, firstLine: piece.firstLine)
            joined += try records(&reader)
        }
        #expect(joined.count == all.count - 1)
        #expect(joined.map(\.0) == all.dropFirst().map(\.0))
        #expect(joined.map(\.1) == all.dropFirst().map(\.1))
        #expect(pieces.first!.range.lowerBound == header.position)
        #expect(pieces.last!.range.upperBound == bytes.count)
    }

    /// The cut made on all cores gives the very cuts and line numbers of the quote-following
    /// scan on readable text — CRLF, blank lines, no final line feed, quoted fields with commas
    /// and line breaks, doubled quotes — and refuses text a reader would fail on or a cut
    /// falling inside quotes.
    @Test func parallelCutsEqualTheScannersCuts() {
        var text = "id,lon,lat\n"
        for i in 0 ..< 30_000 {
            switch i % 13 {
            case 0: text += "\(i),121.5,31.2\r\n"
            case 5: text += "\n\(i),,\n"
            case 7: text += "\(i),\"121,5\",\"a \"\"b\"\" c\"\n"
            default: text += "\(i),121.4,31.3\n"
            }
        }
        text += "last,1,2"
        let bytes = Array(text.utf8)
        for pieces in [1, 3, 16, 64] {
            let fast = CSVSplitter.splitReadable(bytes, from: 11, firstLine: 2, pieces: pieces)
            let scan = CSVSplitter.splitFollowingQuotes(bytes, from: 11, firstLine: 2, pieces: pieces)
            #expect(fast?.map(\.range) == scan.map(\.range))
            #expect(fast?.map(\.firstLine) == scan.map(\.firstLine))
        }
        func refused(_ tail: String) -> Bool { CSVSplitter.splitReadable(bytes + Array(tail.utf8), from: 11, firstLine: 2, pieces: 4) == nil }
        #expect(refused("\nq,\"never closed,1\n"))
        #expect(refused("\nq,\"x\"y,1\n"))
        #expect(CSVSplitter.splitReadable(bytes + [0x0A, 0xFF, 0x0A], from: 11, firstLine: 2, pieces: 4) == nil)
        // Line breaks inside quotes: a cut may fall inside them (then nil); any cut given is the scan's.
        let multiline = Array(text.replacingOccurrences(of: " c\"", with: "\nc\"").utf8)
        for pieces in [3, 16, 64] {
            let scan = CSVSplitter.splitFollowingQuotes(multiline, from: 11, firstLine: 2, pieces: pieces)
            if let fast = CSVSplitter.splitReadable(multiline, from: 11, firstLine: 2, pieces: pieces) {
                #expect(fast.map(\.range) == scan.map(\.range) && fast.map(\.firstLine) == scan.map(\.firstLine))
            }
        }
        // One quoted field far longer than a piece: the cut falls inside its quotes.
        let long = Array(("id,note\n1,\"" + String(repeating: "line\n", count: 40_000) + "\"\n2,x\n").utf8)
        #expect(CSVSplitter.splitReadable(long, from: 8, firstLine: 2, pieces: 8) == nil)
        #expect(CSVSplitter.split(long, from: 8, firstLine: 2, pieces: 8).map(\.firstLine) == [2, 40_003])
    }
}
