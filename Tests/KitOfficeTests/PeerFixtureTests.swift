import Foundation
import XCTest
@testable import KitOffice

/// Files written by other tools (Fixtures/make_fixtures.py regenerates them; they are committed so these
/// tests need no python): what each peer actually writes is read to the same values.
final class PeerFixtureTests: XCTestCase {
    private func fixture(_ name: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try Data(contentsOf: url)
    }
    private func d(_ y: Int, _ m: Int, _ day: Int, _ s: Int = 0) -> Cell { .date(ExcelDate(year: y, month: m, day: day, seconds: s)) }

    func testOpenpyxlInlineStringsNoCachedFormulas() throws {
        let data = try fixture("openpyxl.xlsx")
        let zip = try ZipArchive(data)
        XCTAssertNil(zip.entry("xl/sharedStrings.xml"), "openpyxl writes inline strings only")
        let book = try XLSXReader.read(data)
        XCTAssertEqual(book.sheets.map(\.name), ["病例", "_meta"])
        XCTAssertEqual(book.sheets.map(\.state), [.visible, .hidden])
        XCTAssertEqual(book.definedNames, ["TEMPLATE_VERSION": "_meta!$A$1"])
        XCTAssertEqual(book.sheets[1].rows, [[.text("stroke-2019")]])
        XCTAssertEqual(book.sheets[0].rows, [
            ["住院号", "医院", "入院日期", "年龄", "溶栓", "评分"].map { Cell.text($0) },
            [.text("A001"), .text("浙江省人民医院"), d(2024, 5, 1), .number(67), .bool(true), .number(12.5)],
            [.text("A002"), .text("杭州市第一医院"), d(2024, 5, 2, 8 * 3600 + 1800), .number(72), .bool(false)],
            [.text("A003"), .text(" 前后空格 "), d(1900, 2, 28), .number(-1), .empty, .noValue],
            [],
            [.empty, .empty, d(2023, 12, 31)],
        ])
        XCTAssertFalse(book.date1904)
    }

    func testOpenpyxl1904() throws {
        let book = try XLSXReader.read(try fixture("openpyxl_1904.xlsx"))
        XCTAssertTrue(book.date1904)
        XCTAssertEqual(book.sheets[0].rows, [[.text("日期"), d(2024, 5, 1)], [.text("时间"), d(2000, 1, 1, 43200)]])
    }

    func testXlsxwriterSharedStringsStaleCachedZero() throws {
        let data = try fixture("xlsxwriter.xlsx")
        let sheet1 = try XCTUnwrap(try ZipArchive(data).readText("xl/worksheets/sheet1.xml"))
        XCTAssertTrue(sheet1.contains("<f>B2/C2</f><v>0</v>"), "xlsxwriter caches a stale 0")
        let book = try XLSXReader.read(data)
        XCTAssertEqual(book.sheets[0].rows, [
            ["指标", "分子", "分母", "日期", "中文日期", "公式"].map { Cell.text($0) },
            [.text("静脉溶栓率"), .number(45), .number(60), d(2024, 1, 31), d(2024, 2, 29), .noValue],
            [.text("富文本 run"), .bool(true), .text("#N/A")],
            [],
            [.empty, .empty, .empty, .invalidDate(60)],
        ])
        XCTAssertEqual(book.sheets[1].state, .hidden)
        XCTAssertEqual(book.definedNames, ["TEMPLATE_VERSION": "_meta!$A$1"])
    }

    func testLibreOfficeDataDescriptorsAndCachedValues() throws {
        let data = try fixture("libreoffice.xlsx")
        let zip = try ZipArchive(data)
        XCTAssertEqual(zip.names.last, "[Content_Types].xml", "LibreOffice writes the content types last")
        XCTAssertTrue(zip.entries.allSatisfy { $0.flags & 0x8 != 0 }, "and data descriptors")
        let book = try XLSXReader.read(data)
        XCTAssertEqual(book.sheets[0].rows, [
            [.text("医院"), .text("数量"), .text("比例"), .text("公式")],
            [.text("浙江省人民医院"), .number(12), .number(0.25), .number(24)],
            [.text("杭州, 西湖"), .number(7), .number(1.5), .number(19)],
        ], "LibreOffice's cached formula values are real")
    }

    func testHostileFixtures() throws {
        for (name, expected) in [("bomb.xlsx", OfficeError.zipBomb("xl/worksheets/sheet1.xml")),
                                 ("traversal.xlsx", .zipUnsafeName("../../evil.xml")),
                                 ("doctype.xlsx", .xmlDoctype),
                                 ("encrypted.xlsx", .xlsxEncrypted),   // msoffcrypto-tool, as Excel encrypts
                                 ("legacy.xls", .xlsLegacy)] {        // LibreOffice's binary .xls
            XCTAssertThrowsError(try XLSXReader.read(try fixture(name)), name) { XCTAssertEqual($0 as? OfficeError, expected, name) }
        }
    }

    func testCSVEncodings() throws {
        var data = try fixture("excel_gbk.csv")
        XCTAssertTrue(data.contains(0x80))
        XCTAssertEqual(try CSVReader.decode(data).encoding, .gbk)
        XCTAssertEqual(try CSVReader.rows(data), [["医院", "金额"], ["浙江省人民医院", "€12"]])
        data = try fixture("gb18030.csv")
        XCTAssertEqual(try CSVReader.decode(data).encoding, .gb18030)
        XCTAssertEqual(try CSVReader.rows(data), [["名称", "备注"], ["𠀀字", "ÿ"]])
        data = try fixture("utf8_bom.csv")
        XCTAssertEqual(try CSVReader.decode(data).encoding, .utf8BOM)
        XCTAssertEqual(try CSVReader.rows(data), [["医院", "多\r\n行"]])
    }
}
