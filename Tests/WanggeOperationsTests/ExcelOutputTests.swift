import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeOperations
import WanggeTestSupport
@testable import WanggePages

/// Output for people who open it in Excel: the byte order mark, formula neutralisation, the
/// manual-dispatch count on the daily sheet, and warnings about categories that match nothing.
@Suite struct ExcelOutputTests {
    static let l1 = SheetTests.l1

    /// Addresses and categories a citizen or an intake clerk might type, received on
    /// 2025-06-03 inside squad zone SQ-01; O1 lies kilometres outside the district, N1 has no
    /// coordinates: both need manual dispatch.
    static let orders = """
        id,lon,lat,crs,category,received_at,address
        X1,\(l1),,违法搭建,2025-06-03T09:00:00+08:00,"=HYPERLINK(""http://evil.example/"",""点我"")"
        X2,\(l1),,违法搭建,2025-06-03T09:10:00+08:00,+86 138 0000 0000
        X3,\(l1),,违法搭建,2025-06-03T09:20:00+08:00,-上海市宝山区
        X4,\(l1),,违法搭建,2025-06-03T09:30:00+08:00,@SUM(A1:A9)
        X5,\(l1),,违法搭建,2025-06-03T09:40:00+08:00,"\t=1+1"
        -7,\(l1),,违法搭建,2025-06-03T09:50:00+08:00,共和新路5号
        O1,121.0,31.0,,违法搭建,2025-06-03T10:00:00+08:00,江苏
        N1,,,,违法搭建,2025-06-03T11:00:00+08:00,无坐标
        """

    /// The sheet CSV read by Python's csv module, as a spreadsheet user's tool would: every
    /// text cell that starts with = + - @ tab or CR is neutralised; numbers stay numbers.
    @Test func sheetCSVHasNoFormulasForPythonsCSVModule() throws {
        let (db, dir) = try SampleDistrict.store(orders: Array(Self.orders.utf8))
        defer { try? FileManager.default.removeItem(at: dir) }
        let command = try SheetParameters.parse(["--db", db, "--queries", SampleDistrict.queries, "--date", "2025-06-03", "--format", "csv"])
        let report = try command.report(from: SampleDistrict.source(db))
        #expect(Array(report.bytes.prefix(3)) == CSVWriter.byteOrderMark)
        #expect(report.filename == "sheet-2025-06-03")
        let file = dir.appendingPathComponent("sheet.csv")
        try Data(report.bytes).write(to: file)
        let script = """
            import csv, json, sys
            raw = open(sys.argv[1], 'rb').read()
            assert raw.startswith(b'\\xef\\xbb\\xbf'), 'no BOM'
            rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
            def number(s):
                try:
                    float(s); return True
                except ValueError:
                    return False
            bad = [c for r in rows for c in r if c and c[0] in '=+-@\\t\\r' and not number(c)]
            quoted = sorted(c for r in rows for c in r if c.startswith("'"))
            negative = sorted(c for r in rows for c in r if c.startswith('-') and number(c))
            print(json.dumps({'header': rows[0], 'bad': bad, 'neutralised': quoted, 'negative_numbers': len(negative),
                              'records': [r[0] for r in rows[1:]], 'manual': [r[13] for r in rows if r[0] == 'manual_dispatch'],
                              'ids': [r[3] for r in rows if r[0] == 'order']}, ensure_ascii=False))
            """
        let out = try Self.python(script, file.path)
        let result = try JSONParser.parse(Array(out.utf8))
        guard case .object(let o) = result else { Issue.record("python said \(out)"); return }
        #expect(o["bad"] == .array([]))
        #expect(o["header"].flatMap { if case .array(let a) = $0 { a.first } else { nil } } == .string("record"))
        #expect(
            o["neutralised"]
                == .array(
                    [
                        "'\t=1+1", "'+86 138 0000 0000", "'-上海市宝山区", "'=HYPERLINK(\"http://evil.example/\",\"点我\")", "'@SUM(A1:A9)",
                    ].map(JSONValue.string)))
        // Most urgent first; the order id -7 reads as the number -7, nothing to neutralise.
        #expect(o["ids"] == .array(["X1", "X2", "X3", "X4", "X5", "-7"].map(JSONValue.string)))
        #expect(o["manual"] == .array([.string("2")]))  // O1 (outside) and N1 (invalid)
        // --no-bom: the header first.
        let plain = try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03", "--format", "csv", "--no-bom"], db: db)
        #expect(plain.hasPrefix("record,unit,"))
        // The HTML sheet shows the count too; a unit's own sheet has none.
        let html = try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03"], db: db)
        #expect(html.contains("待人工派遣 2 件"))
        let unitSheet = try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03", "--format", "csv", "--unit", "U-BS-SQ01"], db: db)
        #expect(!unitSheet.contains("manual_dispatch"))
        // The leaders' page counts them in its window (the 30 days to the last recorded day).
        let page = try SampleDistrict.run(DashboardParameters.self, [], db: db)
        #expect(page.contains("待人工派遣 <b id=\"manual-dispatch\">2</b> 件"))
    }

    /// kpi and lights write a BOM by default, hotspots (a data table too) only with --bom;
    /// negative Gi* z-scores are numbers and stay as they are.
    @Test func bomDefaultsAndNumbersStayNumbers() throws {
        let (db, dir) = try SampleDistrict.store(orders: try SampleDistrict.file("orders.csv"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let bom = String(decoding: CSVWriter.byteOrderMark, as: UTF8.self)
        let kpi = try SampleDistrict.run(KPIParameters.self, ["--from", "2025-06-01", "--to", "2025-07-01"], db: db)
        #expect(kpi.hasPrefix(bom + "unit,name,due,"))
        #expect(
            try SampleDistrict.run(KPIParameters.self, ["--from", "2025-06-01", "--to", "2025-07-01", "--no-bom"], db: db).hasPrefix("unit,name,due,")
        )
        let lights = try SampleDistrict.run(LightsParameters.self, ["--as-of", "2025-06-30T18:00:00+08:00"], db: db)
        #expect(lights.hasPrefix(bom + "point,name,light,"))
        let gi = try SampleDistrict.run(HotspotsParameters.self, ["--method", "gi"], db: db)
        #expect(gi.hasPrefix("cell,count,z,p,bin\n"))
        let negative = gi.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] }.filter { $0.hasPrefix("-") }
        #expect(!negative.isEmpty && negative.allSatisfy { Double($0) != nil })
        #expect(try SampleDistrict.run(HotspotsParameters.self, ["--method", "gi", "--bom"], db: db).hasPrefix(bom + "cell,count,z,p,bin\n"))
    }

    /// A category that no stored order has and no rule names is warned about: on the report
    /// (standard error for the CLI) and as `warnings` in a JSON object answer.
    @Test func unknownCategoriesAreWarnedAbout() throws {
        let (db, dir) = try SampleDistrict.store(orders: try SampleDistrict.file("orders.csv"))
        defer { try? FileManager.default.removeItem(at: dir) }
        let typo = try HotspotsParameters.parse(["--db", db, "--queries", SampleDistrict.queries, "--level", "street", "--category", "乱摆摊"])
        let report = try typo.report(from: SampleDistrict.source(db))
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.contains("category \"乱摆摊\"") == true)
        let known = try HotspotsParameters.parse(["--db", db, "--queries", SampleDistrict.queries, "--level", "street", "--category", "乱设摊"])
        #expect(try known.report(from: SampleDistrict.source(db)).warnings.isEmpty)
        // A rule's category counts as known even without orders (积水 has a rule).
        let ruled = try HotspotsParameters.parse(["--db", db, "--queries", SampleDistrict.queries, "--category", "积水", "--category", "乱摆摊"])
        #expect(try ruled.report(from: SampleDistrict.source(db)).warnings.count == 1)
        let json = try SampleDistrict.run(HotspotsParameters.self, ["--method", "gi", "--format", "json", "--category", "乱摆摊"], db: db)
        guard case .object(let o) = try JSONParser.parse(Array(json.utf8)) else { Issue.record("not an object"); return }
        #expect(o["warnings"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 1)
        #expect(o["cells"] != nil)
    }

    static func python(_ script: String, _ argument: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, argument]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(String(decoding: problem, as: UTF8.self))")
        return String(decoding: data, as: UTF8.self)
    }
}
