import Testing
@testable import WanggeCore

@Suite struct WorkOrderCSVTests {
    /// Rows in `badRows` have two fields; the others span two lines (a quoted line break).
    func file(rows: Int, badRows: Set<Int>) -> [UInt8] {
        var text = "id,lon,lat,category,received_at,note\n"
        for i in 0 ..< rows {
            if badRows.contains(i) { text += "B\(i),121.4\n"; continue }
            text += "O\(i),121.4\(i % 10),31.2\(i % 7),乱设摊,2025-03-0\(1 + i % 9)T08:00:00+08:00,\"a, \"\"b\"\"\nc\"\n"
        }
        return Array(text.utf8)
    }

    /// A file of many pieces reads like one sequential pass: same records, same line numbers,
    /// and in strict mode the first bad row in file order is the one reported.
    @Test func piecesReadInFileOrder() throws {
        let records = try WorkOrderCSV.read(file(rows: 30_000, badRows: []), mode: .strict, workers: 4)
        #expect(records.count == 30_000)
        #expect(records.map(\.id) == (0 ..< 30_000).map { "O\($0)" })
        // Each row spans two physical lines (a quoted line break): row i starts on line 2 + 2i.
        #expect(records.map(\.line) == (0 ..< 30_000).map { 2 + 2 * $0 })
        #expect(records[7].attributesJSON == #"{"note":"a, \"b\"\nc"}"#)
        #expect(records[7].receivedAt == Timestamp.parse("2025-03-08T00:00:00Z"))

        // Rows 8,999 and 20,000 are bad; row 8,999 starts on line 2 + 2 × 8,999 = 18,000.
        let bad = file(rows: 30_000, badRows: [20_000, 8_999])
        do {
            _ = try WorkOrderCSV.read(bad, mode: .strict, workers: 4)
            Issue.record("a bad row must fail a strict read")
        } catch let error as CSVRowError {
            #expect(error.line == 18_000 && error.message == "has 2 fields, the header has 6", "\(error)")
        }
        let lenient = try WorkOrderCSV.read(bad, mode: .lenient, workers: 4)
        #expect(lenient.filter { $0.rowProblem != nil }.count == 2)
    }

    /// Read block by block (blocks far smaller than a record, or a few records), a file gives
    /// the records, lines, ids and first error of one sequential read; restart reads it again.
    @Test(arguments: [64, 1_000, 1 << 20])
    func streamedBlocksReadAsOnePass(blockSize: Int) throws {
        let bytes = file(rows: 3_000, badRows: [])
        let whole = try WorkOrderCSV.read(bytes, mode: .strict, workers: 2)
        let stream = try WorkOrderStream(bytes: bytes, mode: .strict, blockSize: blockSize)
        var records: [WorkOrderRecord] = []
        while let block = try stream.next() { records += block }
        #expect(records.map(\.id) == whole.map(\.id))
        #expect(records.map(\.line) == whole.map(\.line))
        #expect(records.map(\.attributesJSON) == whole.map(\.attributesJSON))
        #expect(records.map(\.position) == whole.map(\.position))
        try stream.restart()
        var ids: [(line: Int, id: String)] = []
        while let block = try stream.nextIDs() { ids += block }
        #expect(ids.map(\.id) == whole.map(\.id) && ids.map(\.line) == whole.map(\.line))

        let bad = try WorkOrderStream(bytes: file(rows: 3_000, badRows: [2_500, 1_234]), mode: .strict, blockSize: blockSize)
        do {
            while try bad.next() != nil {}
            Issue.record("a bad row must fail a strict read")
        } catch let error as CSVRowError {
            #expect(error.line == 2 + 2 * 1_234 && error.message == "has 2 fields, the header has 6", "\(error)")
        }
    }

    /// A byte-order mark, blank lines before the header, CRLF line ends and a last line
    /// without a line break; a quote never closed fails with its line.
    @Test func streamedFileEdges() throws {
        let text =
            "\u{FEFF}\r\n\nid,lon,lat,category,received_at\r\nA,121.4,31.3,乱设摊,2025-01-01T08:00:00+08:00\r\n\r\nB,121.5,31.2,乱设摊,2025-01-01T08:00:00+08:00"
        let stream = try WorkOrderStream(bytes: Array(text.utf8), mode: .strict, blockSize: 16)
        var records: [WorkOrderRecord] = []
        while let block = try stream.next() { records += block }
        #expect(records.map(\.id) == ["A", "B"])
        #expect(records.map(\.line) == [4, 6])
        #expect(records.map(\.receivedAtText) == ["2025-01-01T08:00:00+08:00", "2025-01-01T08:00:00+08:00"])
        let open = "id,lon,lat,category,received_at\nA,121.4,31.3,乱设摊,2025-01-01T08:00:00+08:00\nB,121.4,31.3,\"乱设摊,2025\n"
        let unclosed = try WorkOrderStream(bytes: Array(open.utf8), mode: .strict, blockSize: 16)
        do {
            while try unclosed.next() != nil {}
            Issue.record("an unclosed quote must fail")
        } catch {
            #expect("\(error)".hasPrefix("line 3:"), "\(error)")
        }
    }
}
