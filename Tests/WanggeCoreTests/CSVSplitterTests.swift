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
}
