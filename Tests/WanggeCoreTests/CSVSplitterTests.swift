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

    /// Without quotes, the memchr cut with line feeds counted per piece gives the very cuts
    /// and line numbers of the quote-following scan (CRLF, blank lines, no final line feed);
    /// one quote anywhere sends the file to the scan.
    @Test func unquotedCutsEqualTheScannersCuts() {
        var text = "id,lon,lat\n"
        for i in 0 ..< 30_000 { text += i % 7 == 0 ? "\(i),121.5,31.2\r\n" : i % 11 == 0 ? "\n\(i),,\n" : "\(i),121.4,31.3\n" }
        text += "last,1,2"
        let bytes = Array(text.utf8)
        for pieces in [1, 3, 16, 64] {
            let fast = CSVSplitter.splitUnquoted(bytes, from: 11, firstLine: 2, pieces: pieces)
            let scan = CSVSplitter.splitFollowingQuotes(bytes, from: 11, firstLine: 2, pieces: pieces)
            #expect(fast?.map(\.range) == scan.map(\.range))
            #expect(fast?.map(\.firstLine) == scan.map(\.firstLine))
        }
        #expect(CSVSplitter.splitUnquoted(bytes + Array("\nq,\"x\",1\n".utf8), from: 11, firstLine: 2, pieces: 4) == nil)
    }
}
