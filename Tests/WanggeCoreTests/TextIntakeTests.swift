import Glibc
import Testing
import WanggeTestSupport
@testable import WanggeCore

/// Text as real feeds send it: UTF-8 with or without a BOM, GBK from Excel, stray bytes,
/// control characters, the time forms of Chinese spreadsheets.
@Suite struct TextIntakeTests {
    /// `text` encoded as GBK (see ``TestText/gbk(_:)``).
    static func gbk(_ text: String) -> [UInt8] { TestText.gbk(text) }

    static let sample = "id,lon,lat,category,received_at\n工单-1,121.4007,31.3006,乱设摊,2025/7/1 9:00\n工单-2,121.4007,31.3006,暴露垃圾,2025年7月1日 9:00\n"

    @Test func detection() throws {
        let utf8 = Array(Self.sample.utf8)
        let plain = try TextEncoding.decode(utf8)
        #expect(plain.encoding == .utf8 && plain.bytes == utf8 && plain.notUTF8 == nil)

        let gbk = Self.gbk(Self.sample)
        #expect(gbk.starts(with: Array("id,lon,lat,category,received_at\n".utf8) + [0xB9, 0xA4, 0xB5, 0xA5]))  // 工单
        let detected = try TextEncoding.decode(gbk)
        #expect(detected.encoding == .gb18030 && detected.bytes == utf8)
        // Where UTF-8 failed: the first byte of 工 (0xB9, a continuation byte), line 2.
        #expect(detected.notUTF8?.line == 2 && detected.notUTF8?.byteOffset == 32)
        #expect(try TextEncoding.decode(gbk, as: .gb18030).bytes == utf8)
        #expect(TextEncoding(name: "GBK") == .gb18030 && TextEncoding(name: "gb2312") == .gb18030 && TextEncoding(name: "UTF8") == .utf8)
        #expect(TextEncoding(name: "latin1") == nil)

        // Forced UTF-8 refuses GBK, naming line and offset.
        do { _ = try TextEncoding.decode(gbk, as: .utf8); Issue.record("GBK is not UTF-8") } catch {
            #expect(error.line == 2 && error.byteOffset == 32 && error.bytes == [0xB9])
            #expect(error.description == "line 2, byte offset 32: not valid UTF-8 (0xB9)")
        }

        // One stray 0xFF in UTF-8 text: neither encoding; the UTF-8 position is named.
        var stray = utf8
        let at = utf8.firstRange(of: Array("暴".utf8))!.lowerBound
        stray.insert(0xFF, at: at)
        do { _ = try TextEncoding.decode(stray); Issue.record("a stray 0xFF must be refused") } catch {
            #expect(error.line == 3 && error.byteOffset == at && error.alsoNotGB18030)
            #expect(error.description == "line 3, byte offset \(at): not valid UTF-8 (0xFF); the text is not GB18030 (GBK) either")
        }
        // A GBK text cut inside a character.
        do { _ = try TextEncoding.transcodeGB18030(Array(gbk.dropLast(4)) + [0xB9]); Issue.record("truncated") } catch {
            #expect(error.encoding == .gb18030 && error.byteOffset == gbk.count - 4 && error.message == "the text ends inside a character")
        }
    }

    @Test func csvReaderRefusesInvalidUTF8() throws {
        // The bad byte sits on the second physical line of a quoted, multi-line field of record 2.
        let bytes = Array("a,b\n1,\"x\ny".utf8) + [0xC3, 0x28] + Array("\"\n2,z\n".utf8)
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        #expect(try reader.next(into: &fields))
        do { _ = try reader.next(into: &fields); Issue.record("invalid UTF-8 must throw") } catch let error as TextDecodingError {
            #expect(error.line == 3 && error.byteOffset == 10 && error.bytes == [0xC3])
        }
        // A BOM is skipped; valid multibyte text reads back exactly.
        var bom = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("类别\n乱设摊\n".utf8))
        #expect(try bom.next(into: &fields) && bom.string(fields[0]) == "类别")
    }

    @Test func jsonRefusesInvalidUTF8() {
        let bytes = Array(#"{"id":"A"#.utf8) + [0xFF] + Array(#"","x":"\u00e9"}"#.utf8)
        do { _ = try JSONParser.parse(bytes); Issue.record("invalid UTF-8 must throw") } catch let error as JSONParseError {
            #expect(error.byteOffset == 8 && error.line == 1)
            #expect(error.message == "invalid UTF-8 (0xFF) in a string at byte offset 8; send UTF-8")
        } catch { Issue.record("\(error)") }
        // Also after an escape (the slow path).
        let escaped = Array(#"["\n"#.utf8) + [0xE5, 0xB7] + Array(#""]"#.utf8)
        do { _ = try JSONParser.parse(escaped); Issue.record("truncated UTF-8 must throw") } catch let error as JSONParseError {
            #expect(error.byteOffset == 4)
        } catch { Issue.record("\(error)") }
    }

    @Test func spreadsheetTimes() {
        let nineCST = 1_751_331_600.0  // 2025-07-01 09:00 +08:00 = 01:00Z
        for text in [
            "2025-07-01T09:00:00+08:00", "2025-07-01 09:00", "2025-07-01 09:00:00", "2025/7/1 9:00", "2025/07/01 09:00:00",
            "2025年7月1日 9:00", "2025年07月01日 09:00:00", "2025-07-01T01:00:00Z", "2025/7/1 1:00Z", "2025年7月1日 3:00+02:00",
            " 2025/7/1  9:00 ",
        ] {
            #expect(Timestamp.parse(text) == nineCST, "\(text)")
        }
        #expect(Timestamp.parse("2025/7/1 9:00:30") == nineCST + 30)
        // Bare dates: midnight China Standard Time.
        for text in ["2025-07-01", "2025/7/1", "2025年7月1日"] { #expect(Timestamp.parse(text) == 1_751_299_200, "\(text)") }
        for text in [
            "not-a-time", "", "2025/7/32", "2025/2/29", "2025-07/01", "2025年7月1", "2025/7/1T9:00", "2025/7/1 24:00",
            "2025/7/1 9", "7/1/2025 9:00", "2025/7/1 9:00 PM", "2025年13月1日",
        ] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }

    @Test func controlCharacters() {
        #expect(ControlCharacters.problem(in: "工单-1", field: "id") == nil)
        #expect(ControlCharacters.problem(in: "A\u{0}B", field: "id") == #"the id "A\u{0000}B" contains a control character (U+0000 at character 2)"#)
        #expect(
            ControlCharacters.problem(in: "乱设\u{7F}摊", field: "category")
                == #"the category "乱设\u{007F}摊" contains a control character (U+007F at character 3)"#)
        #expect(ControlCharacters.problem(in: "a\tb", field: "id") != nil)
    }

    /// The same rows through a strict read (import), a lenient read (POST) and `assign`: the
    /// same reasons.
    @Test func sameReasonsInImportAndAssign() throws {
        let text =
            "id,lon,lat,category,received_at\nOK,121.4007,31.3006,乱设摊,2025/7/1 9:00\nT1,121.4007,31.3006,乱设摊,not-a-time\n"
            + "T2,121.4007,31.3006,乱设摊,\nC1,121.4007,31.3006,\"乱\u{1}设摊\",2025/7/1 9:00\n\"I\u{0}D\",121.4007,31.3006,乱设摊,2025/7/1 9:00\n"
        let bytes = Array(text.utf8)
        let lenient = try WorkOrderCSV.read(bytes, mode: .lenient)
        #expect(lenient.map(\.id) == ["OK", "T1", "T2", "C1", "I\u{0}D"])
        #expect(lenient[0].receivedAt == 1_751_331_600 && lenient[0].rowProblem == nil)
        let timeReason = "received_at \"not-a-time\" is not a time; expected \(Timestamp.forms)"
        #expect(lenient[1].receivedAtProblem == timeReason)
        #expect(lenient[2].receivedAtProblem == "received_at is empty; expected \(Timestamp.forms)")
        #expect(
            lenient[3].rowProblemField == "category"
                && lenient[3].rowProblem == #"the category "乱\u{0001}设摊" contains a control character (U+0001 at character 2)"#)
        #expect(
            lenient[4].rowProblemField == "id"
                && lenient[4].rowProblem == #"the id "I\u{0000}D" contains a control character (U+0000 at character 2)"#)
        do { _ = try WorkOrderCSV.read(bytes, mode: .strict); Issue.record("strict must fail") } catch let error as CSVRowError {
            #expect(error.line == 5 && error.message == lenient[3].rowProblem)
        }

        let index = try DistrictIndex(district: RouterTests.district)
        var output: [UInt8] = []
        let summary = try AssignmentFile.route(bytes, index: index, write: { output += $0 })
        let rows = String(decoding: output, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.map { String($0[1]) } == ["status", "inside", "invalid", "invalid", "invalid", "invalid"])
        #expect(summary.invalidRows.map(\.row) == [3, 4, 5, 6])
        #expect(summary.invalidRows.map(\.reason) == [timeReason, lenient[2].receivedAtProblem!, lenient[3].rowProblem!, lenient[4].rowProblem!])

        // Not UTF-8: refused before anything is written.
        var written = 0
        #expect(throws: TextDecodingError.self) { try AssignmentFile.route(Self.gbk(text), index: index, write: { written += $0.count }) }
        #expect(written == 0)
    }
}

extension TextIntakeTests {
    /// A large GBK text is transcoded in pieces cut at line feeds: the same text as one piece,
    /// and an error in a later piece names its offset and line in the whole text.
    @Test func largeTextsTranscodeInPieces() throws {
        let row = "工单-1,121.4007,31.3006,乱设摊,2025年7月1日 9:00,上海市宝山区大场镇纪蕴路484号,暴露垃圾，请尽快处理\n"
        let text = "id,lon,lat,category,received_at,address,description\n" + String(repeating: row, count: 60_000)
        let gbk = Self.gbk(text)
        #expect(gbk.count > 1 << 22)
        #expect(TextEncoding.cuts(gbk, pieces: 8).count == 8)
        #expect(try TextEncoding.transcodeGB18030(gbk, workers: 4) == Array(text.utf8))
        #expect(try TextEncoding.transcodeGB18030(gbk, workers: 1) == Array(text.utf8))
        // A stray 0xFF on line 50,001, in the last pieces.
        let lineStart = gbk.indices.lazy.filter { gbk[$0] == 0x0A }.dropFirst(49_999).first! + 1
        var broken = gbk
        broken.insert(0xFF, at: lineStart + 4)  // after 工单 (4 bytes in GBK)
        do { _ = try TextEncoding.transcodeGB18030(broken, workers: 4); Issue.record("0xFF is not GB18030") } catch {
            #expect(error.byteOffset == lineStart + 4 && error.line == 50_001 && error.bytes.first == 0xFF)
        }
    }
}
