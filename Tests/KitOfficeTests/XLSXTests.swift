import Foundation
import XCTest
@testable import KitOffice

/// Hand-made workbooks: each part written out so that one fact at a time can be varied.
struct HandWorkbook {
    var workbookPr = ""
    var calcPr = ""
    var sheets: [(name: String, state: String?, xml: String)] = []
    var definedNames = ""
    var sharedStrings: String?
    var styles: String?
    var relsPrefix = "r"
    /// Replaces the first sheet's part with these bytes as they are.
    var sheetBytes: [UInt8]?

    func bytes() -> [UInt8] {
        var z = ZipWriter()
        var rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        var sheetsXML = ""
        for (k, s) in sheets.enumerated() {
            rels += "<Relationship Id=\"rId\(k + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet\(k + 1).xml\"/>"
            sheetsXML += "<sheet name=\"\(s.name)\" sheetId=\"\(k + 1)\"\(s.state.map { " state=\"\($0)\"" } ?? "") \(relsPrefix):id=\"rId\(k + 1)\"/>"
            let part = k == 0 && sheetBytes != nil ? sheetBytes! :
                Array(("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" + s.xml + "</worksheet>").utf8)
            try! z.add("xl/worksheets/sheet\(k + 1).xml", part)
        }
        if sharedStrings != nil {
            rels += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        if styles != nil {
            rels += "<Relationship Id=\"rIdT\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        }
        rels += "</Relationships>"
        let wb = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:\(relsPrefix)=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\(workbookPr)<sheets>\(sheetsXML)</sheets>\(definedNames)\(calcPr)</workbook>"
        try! z.add("_rels/.rels", Array("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".utf8))
        try! z.add("xl/workbook.xml", Array(wb.utf8))
        try! z.add("xl/_rels/workbook.xml.rels", Array(rels.utf8))
        if let sharedStrings { try! z.add("xl/sharedStrings.xml", Array(sharedStrings.utf8)) }
        if let styles { try! z.add("xl/styles.xml", Array(styles.utf8)) }
        try! z.add("[Content_Types].xml", Array("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>".utf8))
        return try! z.finish()
    }

    func read(_ limits: XLSXLimits = XLSXLimits()) throws -> Workbook { try XLSXReader.read(bytes: bytes(), limits: limits) }
}

private func sheetData(_ rows: String) -> String { "<dimension ref=\"A1\"/><sheetData>\(rows)</sheetData>" }

final class XLSXReaderTests: XCTestCase {
    func testPositionsWithoutReferencesAndLyingDimension() throws {
        var wb = HandWorkbook()
        wb.sheets = [("数据", nil, sheetData("""
            <row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>\
            <row r="4"><c r="C4"><v>2.5</v></c><c><v>3</v></c></row>\
            <row><c r="B5" t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c></row>
            """))]
        let sheet = try XCTUnwrap(wb.read().sheets.first)
        XCTAssertEqual(sheet.name, "数据")
        XCTAssertEqual(sheet.rows, [
            [.text("a"), .number(1)],
            [], [],
            [.empty, .empty, .number(2.5), .number(3)],
            [.empty, .bool(true), .error("#DIV/0!")],
        ])
    }

    func testSharedStringsRichTextAndPhonetic() throws {
        var wb = HandWorkbook()
        wb.sharedStrings = """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>plain</t></si>\
            <si><r><rPr><b/></rPr><t>浙江</t></r><r><t xml:space="preserve"> 省</t></r><rPh sb="0" eb="1"><t>ZHE</t></rPh></si>\
            <si><t>a_x000D_b_x005F_x0041_</t></si></sst>
            """
        wb.sheets = [("S", nil, sheetData("<row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c><c t=\"s\"><v>2</v></c></row>"))]
        XCTAssertEqual(try wb.read().sheets[0].rows, [[.text("plain"), .text("浙江 省"), .text("a\rb_x0041_")]])
        wb.sheets = [("S", nil, sheetData("<row><c t=\"s\"><v>3</v></c></row>"))]
        XCTAssertThrowsError(try wb.read()) { XCTAssertEqual($0 as? OfficeError, .xlsxMalformed("shared string")) }
    }

    func testDatesFromStyles() throws {
        var wb = HandWorkbook()
        wb.styles = """
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>\
            <numFmt numFmtId="165" formatCode="0.00&quot;days&quot;"/><numFmt numFmtId="166" formatCode="[Red]0.0;[Blue]\\-0.0"/></numFmts>\
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="57"/><xf numFmtId="164"/>\
            <xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/><xf numFmtId="4"/></cellXfs></styleSheet>
            """
        wb.sheets = [("S", nil, sheetData("""
            <row><c s="0"><v>45000</v></c><c s="1"><v>45000</v></c><c s="2"><v>45000</v></c><c s="3"><v>45000</v></c>\
            <c s="4"><v>45000</v></c><c s="5"><v>45000</v></c><c s="6"><v>45000</v></c><c s="7"><v>45000.75</v></c>\
            <c s="8"><v>45000</v></c><c s="99"><v>45000</v></c></row>\
            <row><c s="1"><v>60</v></c><c s="1"><v>59</v></c><c s="1"><v>61</v></c><c s="1"><v>1</v></c><c s="1"><v>-1</v></c></row>
            """))]
        let d = ExcelDate(year: 2023, month: 3, day: 15)
        let rows = try wb.read().sheets[0].rows
        XCTAssertEqual(rows[0], [.number(45000), .date(d), .date(d), .date(d), .date(d), .number(45000), .number(45000),
                                 .date(ExcelDate(year: 2023, month: 3, day: 15, seconds: 64800)), .number(45000), .number(45000)])
        XCTAssertEqual(rows[1], [.invalidDate(60), .date(ExcelDate(year: 1900, month: 2, day: 28)),
                                 .date(ExcelDate(year: 1900, month: 3, day: 1)), .date(ExcelDate(year: 1900, month: 1, day: 1)),
                                 .invalidDate(-1)], "serial 60 is Excel's fictional 1900-02-29")

        wb.workbookPr = "<workbookPr date1904=\"1\"/>"
        let rows1904 = try wb.read().sheets[0].rows
        XCTAssertEqual(rows1904[0][1], .date(ExcelDate(year: 2027, month: 3, day: 16)), "1904 system: 1462 days later")
        XCTAssertEqual(rows1904[1][0], .date(ExcelDate(year: 1904, month: 3, day: 1)), "no fictional day in 1904")
        XCTAssertTrue(try wb.read().date1904)
    }

    func testDateFormatDetection() {
        for code in ["yyyy-mm-dd", "m/d/yy", "[$-804]yyyy\"年\"m\"月\"", "hh:mm", "[h]:mm:ss", "d-mmm", "YYYY/MM/DD"] {
            XCTAssertTrue(DateStyles.isDateFormat(code), code)
        }
        for code in ["General", "0.00", "#,##0", "\"days\"0", "[Red]0", "0.00E+00", "\\d0", "_-* #,##0", "@", "0;\"yes\""] {
            XCTAssertFalse(DateStyles.isDateFormat(code), code)
        }
        for id in [14, 22, 27, 36, 50, 58] { XCTAssertTrue(DateStyles.isBuiltinDate(id), "\(id)") }
        for id in [0, 1, 13, 23, 26, 37, 49, 59] { XCTAssertFalse(DateStyles.isBuiltinDate(id), "\(id)") }
    }

    func testFormulas() throws {
        var wb = HandWorkbook()
        wb.sheets = [("S", nil, sheetData("""
            <row><c><f>1+1</f></c><c><f>A1*2</f><v>4</v></c><c t="str"><f>"a"&amp;"b"</f><v>ab</v></c>\
            <c t="e"><f>1/0</f><v>#DIV/0!</v></c><c><f>SUM()</f><v></v></c></row>
            """))]
        XCTAssertEqual(try wb.read().sheets[0].rows[0], [.noValue, .number(4), .text("ab"), .error("#DIV/0!"), .noValue],
                       "a formula without a cached value is no value, never 0")
        // A workbook that asks to be recalculated on load (openpyxl, xlsxwriter): cached values are not trusted.
        wb.calcPr = "<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/>"
        XCTAssertEqual(try wb.read().sheets[0].rows[0], [.noValue, .noValue, .noValue, .noValue, .noValue])
    }

    func testSheetsStatesAndDefinedNames() throws {
        var wb = HandWorkbook()
        wb.relsPrefix = "ns9"
        wb.sheets = [("填报", nil, sheetData("")), ("_meta", "hidden", sheetData("<row><c t=\"inlineStr\"><is><t>v2019</t></is></c></row>")),
                     ("deep", "veryHidden", "")]
        wb.definedNames = "<definedNames><definedName name=\"TEMPLATE_VERSION\">\"stroke-2019\"</definedName>" +
            "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">'填报'!$A$1:$B$2</definedName></definedNames>"
        let book = try wb.read()
        XCTAssertEqual(book.sheets.map(\.name), ["填报", "_meta", "deep"])
        XCTAssertEqual(book.sheets.map(\.state), [.visible, .hidden, .veryHidden])
        XCTAssertEqual(book.sheet(named: "_meta")?.rows, [[.text("v2019")]])
        XCTAssertEqual(book.definedNames, ["TEMPLATE_VERSION": "\"stroke-2019\"", "填报!_xlnm.Print_Area": "'填报'!$A$1:$B$2"])
    }

    func testLimits() throws {
        var wb = HandWorkbook()
        wb.sheets = [("S", nil, sheetData(String(repeating: "<row><c><v>1</v></c></row>", count: 11)))]
        XCTAssertThrowsError(try wb.read(XLSXLimits(maxRows: 10))) { XCTAssertEqual($0 as? OfficeError, .tooManyRows(limit: 10)) }
        XCTAssertEqual(try wb.read(XLSXLimits(maxRows: 11)).sheets[0].rows.count, 11)
        wb.sheets = [("S", nil, sheetData("<row r=\"1048576\"><c><v>1</v></c></row>"))]
        XCTAssertThrowsError(try wb.read()) { XCTAssertEqual($0 as? OfficeError, .tooManyRows(limit: 200_000)) }
        wb.sheets = [("S", nil, sheetData("<row><c r=\"XFD1\"><v>1</v></c></row>"))]
        XCTAssertThrowsError(try wb.read()) { XCTAssertEqual($0 as? OfficeError, .tooManyColumns(limit: 1024)) }
        // Sparse cells far apart: the padding counts against the cell budget.
        wb.sheets = [("S", nil, sheetData(String(repeating: "<row><c r=\"A1\"/><c r=\"AMJ1\"><v>1</v></c></row>", count: 3)
            .replacingOccurrences(of: "r=\"A1\"", with: "")))]
        XCTAssertThrowsError(try wb.read(XLSXLimits(maxCells: 2000))) { XCTAssertEqual($0 as? OfficeError, .tooManyColumns(limit: 1024)) }
    }

    func testHostileWorkbooks() throws {
        // Encrypted workbooks are OLE compound files.
        var ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        ole += [UInt8](repeating: 0, count: 504)
        XCTAssertThrowsError(try XLSXReader.read(bytes: ole)) { XCTAssertEqual($0 as? OfficeError, .xlsLegacy) }
        for u in "EncryptedPackage".utf16 { ole += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        XCTAssertThrowsError(try XLSXReader.read(bytes: ole)) { XCTAssertEqual($0 as? OfficeError, .xlsxEncrypted) }
        XCTAssertThrowsError(try XLSXReader.read(bytes: Array("a,b\n1,2\n".utf8))) { XCTAssertEqual($0 as? OfficeError, .xlsxNotWorkbook) }
        // A DOCTYPE in any part.
        var wb = HandWorkbook()
        wb.sheets = [("S", nil, sheetData(""))]
        wb.sharedStrings = "<!DOCTYPE sst [<!ENTITY x \"y\">]><sst><si><t>&x;</t></si></sst>"
        XCTAssertThrowsError(try wb.read()) { XCTAssertEqual($0 as? OfficeError, .xmlDoctype) }
        // A bomb sheet: 50 MB of the same row, compressed ~1000:1.
        var bomb = ZipWriter()
        let row = Array("<row><c><v>1</v></c></row>".utf8)
        var sheet = Array("<worksheet><sheetData>".utf8)
        while sheet.count < 50 << 20 { sheet += row }
        try! bomb.add("xl/worksheets/sheet1.xml", sheet)
        XCTAssertThrowsError(try XLSXReader.read(bytes: try! bomb.finish())) { XCTAssertEqual($0 as? OfficeError, .zipBomb("xl/worksheets/sheet1.xml")) }
        // Many sheets pointing at one 320 kB part: each read counts against the total cap.
        var many = HandWorkbook()
        many.sheets = [("S", nil, sheetData(String(repeating: "<!-- padding padding padding -->", count: 10_000)))]
        let rels = (0..<9).map { "<sheet name=\"s\($0)\" r:id=\"rId1\"/>" }.joined()
        var z = ZipWriter()
        let src = try ZipArchive(bytes: many.bytes(), limits: ZipLimits(maxRatio: 100_000))
        for e in src.entries {
            var content = try src.read(e)
            if e.name == "xl/workbook.xml" {
                content = Array(String(decoding: content, as: UTF8.self)
                    .replacingOccurrences(of: "<sheets>", with: "<sheets>" + rels).utf8)
            }
            try z.add(e.name, content)
        }
        let fanOut = try z.finish()
        let lenient = ZipLimits(maxTotalBytes: 4 << 20, maxRatio: 100_000)
        XCTAssertEqual(try XLSXReader.read(bytes: fanOut, limits: XLSXLimits(zip: lenient)).sheets.count, 10)
        let tight = ZipLimits(maxTotalBytes: 2 << 20, maxRatio: 100_000)   // the archive declares < 400 kB
        XCTAssertNoThrow(try ZipArchive(bytes: fanOut, limits: tight))
        XCTAssertThrowsError(try XLSXReader.read(bytes: fanOut, limits: XLSXLimits(zip: tight))) { XCTAssertEqual($0 as? OfficeError, .zipBomb("xl/worksheets/sheet1.xml")) }
        // Missing parts.
        var empty = ZipWriter()
        try! empty.add("hello.txt", [1])
        XCTAssertThrowsError(try XLSXReader.read(bytes: try! empty.finish())) { XCTAssertEqual($0 as? OfficeError, .xlsxMissingPart("xl/workbook.xml")) }
    }

    func testSerialConversions() {
        XCTAssertEqual(ExcelDate.fromSerial(1, date1904: false), ExcelDate(year: 1900, month: 1, day: 1))
        XCTAssertNil(ExcelDate.fromSerial(60, date1904: false))
        XCTAssertEqual(ExcelDate.fromSerial(0.5, date1904: false), ExcelDate(year: 1899, month: 12, day: 31, seconds: 43200))
        XCTAssertEqual(ExcelDate.fromSerial(43831.99999999, date1904: false), ExcelDate(year: 2020, month: 1, day: 2), "rounds up to midnight")
        XCTAssertEqual(ExcelDate.fromSerial(2_958_465, date1904: false), ExcelDate(year: 9999, month: 12, day: 31))
        XCTAssertNil(ExcelDate.fromSerial(2_958_466, date1904: false))
        XCTAssertNil(ExcelDate.fromSerial(.nan, date1904: false))
        for serial in [1.0, 59, 61, 45000, 45000.5, 2_958_465] {
            XCTAssertEqual(ExcelDate.fromSerial(serial, date1904: false)?.serial(), serial)
            if serial < 2_957_000 { XCTAssertEqual(ExcelDate.fromSerial(serial, date1904: true)?.serial(date1904: true), serial) }
        }
        XCTAssertNil(ExcelDate(year: 2023, month: 2, day: 29).serial())
        XCTAssertEqual(ExcelDate(year: 2024, month: 2, day: 29, seconds: 3661).description, "2024-02-29 01:01:01")
    }

    func testCellRefs() {
        XCTAssertEqual(CellRef.parse("A1")?.row, 0)
        XCTAssertEqual(CellRef.parse("$AB$12")?.column, 27)
        XCTAssertEqual(CellRef.parse("XFD1048576")?.column, 16383)
        for bad in ["", "A", "1", "A0", "XFE1", "A1048577", "1A", "AAAA1", "A1B"] { XCTAssertNil(CellRef.parse(bad), bad) }
        XCTAssertEqual(CellRef.column(0), "A")
        XCTAssertEqual(CellRef.column(27), "AB")
        XCTAssertEqual(CellRef.column(16383), "XFD")
    }
}

final class XLSXWriterTests: XCTestCase {
    func testRoundTrip() throws {
        let rows: [[Cell]] = [
            [.text("医院"), .text("日期"), .text("数量"), .text("是否")],
            [.text(" 空格 "), .date(ExcelDate(year: 2024, month: 5, day: 1)), .number(12), .bool(true)],
            [.text("a<b>&\"c\""), .date(ExcelDate(year: 2024, month: 5, day: 1, seconds: 3600)), .number(-0.125), .bool(false)],
            [.empty, .text("tab\tand\nnewline\u{1}_x0041_"), .number(1e-7), .error("#N/A"), .number(12345678901234.5)],
            [.text("=1+1"), .noValue, .number(1e20), .text("x")],
        ]
        let book = Workbook(sheets: [Sheet(name: "病例", rows: rows, columnWidths: [20, 12], boldHeader: true),
                                     Sheet(name: "_meta", state: .hidden, rows: [[.text("stroke-2019")]])],
                            definedNames: ["TEMPLATE": "_meta!$A$1", "VERSION": "\"2019\""])
        let bytes = try XLSXWriter.data(book)
        let back = try XLSXReader.read(bytes: bytes)
        var expected = rows
        expected[4] = [.text("=1+1"), .empty, .number(1e20), .text("x")]
        XCTAssertEqual(back.sheets[0].rows, expected)
        XCTAssertEqual(back.sheets[1], Sheet(name: "_meta", state: .hidden, rows: [[.text("stroke-2019")]]))
        XCTAssertEqual(back.definedNames, book.definedNames)
        XCTAssertEqual(try XLSXWriter.data(book), bytes, "reproducible output")
    }

    func testRefusesBadSheets() {
        for sheets in [[], [Sheet(name: "a/b")], [Sheet(name: String(repeating: "x", count: 32))],
                       [Sheet(name: "A"), Sheet(name: "a")], [Sheet(name: "h", state: .hidden)]] {
            XCTAssertThrowsError(try XLSXWriter.data(Workbook(sheets: sheets)))
        }
    }
}
