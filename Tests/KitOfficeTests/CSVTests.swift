import Foundation
import XCTest
@testable import KitOffice

final class CSVTests: XCTestCase {
    private func rows(_ s: String) throws -> [[String]] { try CSVReader.rows(Data(s.utf8)) }

    func testRFC4180Quoting() throws {
        XCTAssertEqual(try rows("a,b,c\r\n1,2,3\r\n"), [["a", "b", "c"], ["1", "2", "3"]])
        XCTAssertEqual(try rows("a,b\n1,2"), [["a", "b"], ["1", "2"]], "LF and no final line break")
        XCTAssertEqual(try rows("\"x,y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n"), [["x,y", "say \"hi\"", "two\r\nlines"]])
        XCTAssertEqual(try rows("a,,\r\n,\r\n"), [["a", "", ""], ["", ""]])
        XCTAssertEqual(try rows("a\r\n\r\nb\r\n"), [["a"], [""], ["b"]], "blank line kept, row numbers stable")
        XCTAssertEqual(try rows("a\rb\r"), [["a"], ["b"]], "lone CR ends a record")
        XCTAssertEqual(try rows("\"\"\n"), [[""]])
        XCTAssertEqual(try rows("ab\"c,\"d\"e\n"), [["ab\"c", "de"]], "Excel's leniency")
        XCTAssertEqual(try rows(""), [])
        XCTAssertEqual(try rows(" a , b "), [[" a ", " b "]], "never trimmed")
    }

    func testUnterminatedQuoteRefused() {
        XCTAssertThrowsError(try rows("a,b\n\"open,c\nd\n")) { error in
            XCTAssertEqual(error as? OfficeError, .csvUnterminatedQuote(line: 2))
        }
    }

    func testLimits() throws {
        let many = String(repeating: "1\n", count: 11)
        XCTAssertThrowsError(try CSVReader.rows(Data(many.utf8), maxRows: 10)) { error in
            XCTAssertEqual(error as? OfficeError, .tooManyRows(limit: 10))
        }
        XCTAssertEqual(try CSVReader.rows(Data(many.utf8), maxRows: 11).count, 11)
        let long = "a\n" + String(repeating: "x", count: 101) + "\n"
        XCTAssertThrowsError(try CSVReader.rows(Data(long.utf8), maxFieldBytes: 100)) { error in
            XCTAssertEqual(error as? OfficeError, .csvFieldTooLong(line: 2, limit: 100))
        }
        XCTAssertEqual(try CSVReader.rows(Data(long.utf8), maxFieldBytes: 101)[1][0].count, 101)
    }

    func testEncodings() throws {
        let text = "医院,数量\r\n浙江省人民医院,12\r\n"
        var decoded = try CSVReader.decode(Data(text.utf8))
        XCTAssertEqual(decoded.encoding, .utf8)
        XCTAssertEqual(decoded.text, text)
        decoded = try CSVReader.decode(Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)))
        XCTAssertEqual(decoded.encoding, .utf8BOM)
        XCTAssertEqual(decoded.text, text, "BOM stripped")

        // 中文 in GBK/GB18030 two-byte form: D6 D0 CE C4.
        decoded = try CSVReader.decode(Data([0xD6, 0xD0, 0xCE, 0xC4, 0x2C, 0x31]))
        XCTAssertEqual(decoded.text, "中文,1")
        XCTAssertEqual(decoded.encoding, .gbk)
    }

    func testExcelGBKEuroAt0x80() throws {
        // Excel's code page 936 writes € as the single byte 0x80 (GB18030 has it at A2 E3).
        let decoded = try CSVReader.decode(Data([0xBC, 0xDB, 0xB8, 0xF1, 0x2C, 0x80, 0x35, 0x0D, 0x0A]))
        XCTAssertEqual(decoded.text, "价格,€5\r\n")
        XCTAssertEqual(decoded.encoding, .gbk)
        XCTAssertEqual(try CSVReader.rows(Data([0x80, 0x2C, 0xA2, 0xE3])), [["€", "€"]])
    }

    func testGB18030FourByteSequences() throws {
        // 𠀀 (U+20000) is 95 32 82 36 and ÿ (U+00FF) 81 30 8B 37 in GB18030: outside GBK.
        let bytes = Data([0x95, 0x32, 0x82, 0x36, 0x2C, 0x81, 0x30, 0x8B, 0x37, 0x2C, 0xD6, 0xD0])
        let decoded = try CSVReader.decode(bytes)
        XCTAssertEqual(decoded.text, "𠀀,ÿ,中")
        XCTAssertEqual(decoded.encoding, .gb18030)
        XCTAssertEqual(try CSVReader.rows(bytes), [["𠀀", "ÿ", "中"]])
    }

    func testUnknownEncodingsRefused() {
        for bad: [UInt8] in [[0xFF, 0xFE, 0x41, 0x00], [0xD6], [0xD6, 0x20], [0xFF, 0x41], [0x81, 0x30, 0x20, 0x30]] {
            XCTAssertThrowsError(try CSVReader.decode(Data(bad)), "\(bad)") { error in
                XCTAssertEqual(error as? OfficeError, .unknownEncoding)
                XCTAssertEqual((error as? OfficeError)?.message.contains("编码"), true)
            }
        }
    }

    func testWriterQuotesAndBOM() throws {
        let rows = [["名称", "说明"], ["a,b", "say \"hi\""], ["two\nlines", ""]]
        let data = CSVWriter.data(rows: rows)
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(String(decoding: data.dropFirst(3), as: UTF8.self),
                       "名称,说明\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\r\n")
        XCTAssertEqual(try CSVReader.rows(data), rows, "round trip")
        XCTAssertEqual(Array(CSVWriter.data(rows: [["x"]], bom: false)), Array("x\r\n".utf8))
    }

    func testWriterNeutralisesFormulas() {
        XCTAssertEqual(CSVWriter.neutralised("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")")
        XCTAssertEqual(CSVWriter.neutralised("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVWriter.neutralised("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0")
        XCTAssertEqual(CSVWriter.neutralised("-2+3"), "'-2+3")
        XCTAssertEqual(CSVWriter.neutralised("\tx"), "'\tx")
        XCTAssertEqual(CSVWriter.neutralised("-12"), "-12", "plain numbers stay numbers")
        XCTAssertEqual(CSVWriter.neutralised("+3.5"), "+3.5")
        XCTAssertEqual(CSVWriter.neutralised("-1e5"), "-1e5")
        XCTAssertEqual(CSVWriter.neutralised("-"), "'-")
        XCTAssertEqual(CSVWriter.neutralised("普通"), "普通")
        let out = String(decoding: CSVWriter.data(rows: [["=1+1", "-5"]], bom: false), as: UTF8.self)
        XCTAssertEqual(out, "'=1+1,-5\r\n")
    }
}
