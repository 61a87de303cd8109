import Foundation
import Testing
@testable import WanggeCore

/// CSV for spreadsheets: the byte order mark and formula neutralisation.
@Suite struct SpreadsheetCSVTests {
    @Test func formulaTriggersAreNeutralisedNumbersAreNot() {
        let cases: [(String, String)] = [
            ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-1.23", "-1.23"), ("+5", "+5"), ("-2e-3", "-2e-3"), ("-.5", "-.5"), ("-1.", "-1."),
            ("-1.2.3", "'-1.2.3"), ("-e5", "'-e5"), ("-1e", "'-1e"),
            ("纪蕴路484号", "纪蕴路484号"), ("a=b", "a=b"), ("", ""), ("'=x", "'=x"),
        ]
        for (input, expected) in cases {
            #expect(CSVWriter.neutralised(input) == expected, "\(input.debugDescription)")
        }
    }

    /// A CSV written with the byte order mark, CRLF inside quoted fields and neutralised
    /// formulas reads back, through the project's own reader, to the same fields.
    @Test func bomAndCRLFRoundTrip() throws {
        let rows = [
            ["record", "address", "hours_left"],
            ["order", "宝山区\r\n纪蕴路484号, \"东门\"", "-3.5"],
            ["order", "=HYPERLINK(\"http://evil\")", "12.0"],
        ]
        var writer = CSVWriter(bom: true)
        for r in rows { writer.write(neutralising: r) }
        let bytes = writer.take()
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(bytes.dropFirst(3).prefix(6)) == Array("record".utf8))
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        var read: [[String]] = []
        while try reader.next(into: &fields) { read.append(fields.map(reader.string)) }
        #expect(read == [rows[0], rows[1], ["order", "'=HYPERLINK(\"http://evil\")", "12.0"]])
        // Without a BOM the output starts with the header itself.
        var plain = CSVWriter(bom: false)
        plain.write(["a"])
        #expect(plain.take() == Array("a\n".utf8))
    }
}
