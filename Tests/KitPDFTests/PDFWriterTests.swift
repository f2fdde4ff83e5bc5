import XCTest
import KitPDF

/// Object serialization and file structure of the low-level writer.
final class PDFWriterTests: XCTestCase {
    private func serialized(_ value: PDFValue) -> String {
        var writer = PDFObjectWriter()
        let n = writer.allocate()
        writer.write(n, value)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        let body = text.components(separatedBy: "1 0 obj\n")[1]
        return String(body.dropLast("\nendobj\n".count))
    }

    func testValues() {
        XCTAssertEqual(serialized(.int(-42)), "-42")
        XCTAssertEqual(serialized(.real(1.5)), "1.5")
        XCTAssertEqual(serialized(.real(0.1 + 0.2)), "0.3")
        XCTAssertEqual(serialized(.real(-0.0004)), "0")
        XCTAssertEqual(serialized(.real(595)), "595")
        XCTAssertEqual(serialized(.real(-12.3456)), "-12.346")
        XCTAssertEqual(serialized(.name("Type0")), "/Type0")
        XCTAssertEqual(serialized(.name("A B#(x)")), "/A#20B#23#28x#29")
        XCTAssertEqual(serialized(.string(Array("a(b)\\c\n".utf8))), "(a\\(b\\)\\\\c\\012)")
        XCTAssertEqual(serialized(.text("中")), "<FEFF4E2D>")
        XCTAssertEqual(serialized(.text("Hi")), "(Hi)")
        XCTAssertEqual(serialized(.array([.int(1), .reference(3), .bool(true), .null])), "[1 3 0 R true null]")
        XCTAssertEqual(serialized(.dictionary(["Z": .int(1), "A": .int(2)])), "<< /Z 1 /A 2 >>", "insertion order kept")
    }

    func testDictionarySubscript() {
        var d: PDFDictionary = ["A": .int(1)]
        d["B"] = .int(2)
        d["A"] = .int(3)
        d["B"] = nil
        XCTAssertEqual(d.entries.map(\.key), ["A"])
        XCTAssertEqual(d["A"], .int(3))
    }

    func testStreamsXrefAndTrailer() throws {
        var writer = PDFObjectWriter()
        let catalog = writer.allocate(), pages = writer.allocate(), stream = writer.allocate()
        // Written out of order on purpose.
        writer.writeStream(stream, data: Array(String(repeating: "0 0 m 10 10 l S\n", count: 20).utf8))
        writer.write(pages, .dictionary(["Type": .name("Pages"), "Kids": .array([]), "Count": .int(0)]))
        writer.write(catalog, .dictionary(["Type": .name("Catalog"), "Pages": .reference(pages)]))
        let pdf = writer.finish(root: catalog)
        let text = String(decoding: pdf, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("%PDF-1.7\n%"))
        XCTAssertTrue(text.contains("trailer\n<< /Size 4 /Root 1 0 R >>"), text)
        // The stream's /Length equals the bytes between "stream\n" and "\nendstream" (byte offsets:
        // the binary comment line is not UTF-8, so search bytes, not String indices).
        let marker = Array(">>\nstream\n".utf8)
        let markerAt = try XCTUnwrap((0..<(pdf.count - marker.count)).first { Array(pdf[$0..<($0 + marker.count)]) == marker })
        let dataStart = markerAt + marker.count
        let lengthMatch = try XCTUnwrap(text.range(of: #"/Length (\d+)"#, options: .regularExpression))
        let length = Int(text[lengthMatch].dropFirst(8))!
        XCTAssertEqual(Array(pdf[(dataStart + length)..<(dataStart + length + 10)]), Array("\nendstream".utf8))
        let inflated = try FlateCodec.decompress(Array(pdf[dataStart..<(dataStart + length)]))
        XCTAssertEqual(String(decoding: inflated, as: UTF8.self).count, 16 * 20)
        // xref entries point at "n 0 obj".
        let startxref = Int(text.components(separatedBy: "startxref\n")[1].split(separator: "\n")[0])!
        XCTAssertEqual(Array(pdf[startxref..<startxref + 4]), Array("xref".utf8))
        let xrefLines = String(decoding: pdf[startxref...], as: UTF8.self).split(separator: "\n")
        for n in 1...3 {
            let offset = Int(xrefLines[2 + n].prefix(10))!
            XCTAssertTrue(String(decoding: pdf[offset..<offset + 8], as: UTF8.self).hasPrefix("\(n) 0 obj"))
        }
    }

    func testPDFDate() {
        let date = Date(timeIntervalSince1970: 1_735_689_600)   // 2025-01-01T00:00:00Z
        XCTAssertEqual(PDFDocument.pdfDate(date, timeZone: TimeZone(identifier: "UTC")!), "D:20250101000000Z")
        XCTAssertEqual(PDFDocument.pdfDate(date, timeZone: TimeZone(identifier: "Asia/Shanghai")!), "D:20250101080000+08'00'")
        XCTAssertEqual(PDFDocument.pdfDate(date, timeZone: TimeZone(secondsFromGMT: -(3 * 3600 + 1800))!), "D:20241231203000-03'30'")
    }
}
