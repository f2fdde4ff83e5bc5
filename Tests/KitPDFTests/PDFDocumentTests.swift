import Foundation
import XCTest
import KitPDF

/// End-to-end: documents written by KitPDF, read back by poppler (text, fonts, pages, pixels).
final class PDFDocumentTests: XCTestCase {
    private func sampleDocument(font: TrueTypeFont) -> PDFDocument {
        let body = PDFTextStyle(font: font, size: 12)
        var page = PDFPage()
        page.drawTextLine("中文标题 Chinese Title", x: 50, top: 50, width: 495, style: body.with(size: 20, bold: true), alignment: .center)
        page.drawTextBlock("医疗质量控制数据报送系统。The quick brown fox jumps over the lazy dog. 患者隐私必须严格保密，不得泄露。",
                           x: 50, top: 100, width: 300, style: body)
        page.drawRect(PDFRect(x: 50, y: 200, width: 200, height: 60), stroke: PDFStrokeStyle(width: 1), fillGray: 0.9)
        page.drawLine(from: PDFPoint(x: 50, y: 280), to: PDFPoint(x: 545, y: 280), stroke: PDFStrokeStyle(width: 1, dash: [3, 2]))
        page.drawText("𠕇 U+20547", x: 50, baseline: 320, style: body)
        var page2 = PDFPage()
        page2.drawText("第二页 Page two", x: 50, baseline: 100, style: body)
        let info = PDFDocumentInfo(title: "测试文档 Test", author: "KitPDF Tests", producer: "KitPDF",
                                   creationDate: Date(timeIntervalSince1970: 1_735_689_600),
                                   timeZone: TimeZone(identifier: "Asia/Shanghai")!, language: "zh-CN")
        return PDFDocument(info: info, pages: [page, page2])
    }

    func testPopplerExtractsChineseAndLatinText() throws {
        let pdf = sampleDocument(font: try TestFont.load()).render()
        let text = try Poppler.text(pdf)
        let compact = Poppler.compact(text)
        XCTAssertTrue(compact.contains("中文标题ChineseTitle"), text)
        XCTAssertTrue(compact.contains("医疗质量控制数据报送系统"), text)
        XCTAssertTrue(text.contains("quick brown fox"), text)
        XCTAssertTrue(compact.contains("患者隐私必须严格保密"), text)
        XCTAssertTrue(compact.contains("第二页Pagetwo"), text)
        XCTAssertEqual(try Poppler.diagnostics(pdf), "")
    }

    func testNonBMPCharacterExtractsThroughSurrogatePairs() throws {
        let font = try TestFont.load()
        XCTAssertTrue(font.hasGlyph(for: "\u{20547}"), "font lacks U+20547")
        let text = try Poppler.text(sampleDocument(font: font).render())
        XCTAssertTrue(text.contains("\u{20547} U+20547"), text)
    }

    func testInfoPageCountAndEmbeddedFont() throws {
        let pdf = sampleDocument(font: try TestFont.load()).render()
        let info = try Poppler.info(pdf)
        XCTAssertTrue(info.contains("测试文档 Test"), info)
        XCTAssertTrue(info.contains("Producer:        KitPDF"), info)
        XCTAssertEqual(try Poppler.pageCount(pdf), 2)
        XCTAssertTrue(info.contains("595 x 842"), info)
        let fonts = try Poppler.fonts(pdf)
        let rows = fonts.split(separator: "\n").filter { $0.contains("WenQuanYi") }
        XCTAssertEqual(rows.count, 1, fonts)
        let row = rows.first.map(String.init) ?? ""
        XCTAssertTrue(row.contains("CID TrueType"), fonts)
        XCTAssertTrue(row.contains("Identity-H"), fonts)
        // columns: emb sub uni
        XCTAssertTrue(row.range(of: #"yes\s+yes\s+yes"#, options: .regularExpression) != nil, fonts)
    }

    func testRenderedPageIsNotBlank() throws {
        let pdf = sampleDocument(font: try TestFont.load()).render()
        let image = try Poppler.renderGray(pdf, page: 1, dpi: 50)
        XCTAssertEqual(image.width, 413, accuracy: 2)
        // Title band (top ~10%) must contain ink from the CJK glyphs.
        XCTAssertGreaterThan(image.darkPixels(rows: 0.04...0.1), 50)
        XCTAssertGreaterThan(image.darkPixelCount(), 500)
    }

    func testDeterministicOutput() throws {
        let font = try TestFont.load()
        XCTAssertEqual(sampleDocument(font: font).render(), sampleDocument(font: font).render())
    }

    func testXrefOffsetsPointAtObjects() throws {
        let pdf = sampleDocument(font: try TestFont.load()).render()
        let tail = String(decoding: pdf.suffix(40), as: UTF8.self)
        let parts = tail.split(separator: "\n")
        XCTAssertEqual(parts.last, "%%EOF")
        let startxref = try XCTUnwrap(Int(parts[parts.count - 2]))
        let xref = String(decoding: pdf[startxref...], as: UTF8.self)
        XCTAssertTrue(xref.hasPrefix("xref\n0 "))
        let lines = xref.split(separator: "\n")
        let count = try XCTUnwrap(Int(lines[1].split(separator: " ")[1]))
        XCTAssertEqual(lines[2], "0000000000 65535 f ")
        for n in 1..<count {
            let entry = lines[2 + n]
            XCTAssertEqual(entry.count, 19)    // 20 bytes with the newline
            let offset = try XCTUnwrap(Int(entry.prefix(10)))
            let header = String(decoding: pdf[offset..<min(pdf.count, offset + 20)], as: UTF8.self)
            XCTAssertTrue(header.hasPrefix("\(n) 0 obj\n"), "object \(n) at \(offset): \(header)")
        }
        let trailer = String(decoding: pdf[startxref...], as: UTF8.self)
        XCTAssertTrue(trailer.contains("/ID [<"), trailer)
        XCTAssertTrue(trailer.contains("/Info "), trailer)
    }

    func testInfoDictionaryEncoding() throws {
        let pdf = sampleDocument(font: try TestFont.load()).render()
        let raw = String(decoding: pdf, as: UTF8.self)
        // Title as UTF-16BE with BOM: FEFF 6D4B (测) …
        XCTAssertTrue(raw.contains("/Title <FEFF6D4B8BD565876863002000540065007300740>") || raw.contains("/Title <FEFF6D4B8BD5"), "title not UTF-16BE")
        XCTAssertTrue(raw.contains("/CreationDate (D:20250101080000+08'00')"), "creation date")
        XCTAssertTrue(raw.contains("/Lang (zh-CN)"))
    }

    /// A second, independent reader: Ghostscript's text extraction.
    func testGhostscriptExtractsTheSameText() throws {
        let pdf = sampleDocument(font: try TestFont.load()).render()
        let gs = try Poppler.tool("gs")
        let out = try Poppler.withFile(pdf) { path -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: gs)
            process.arguments = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=txtwrite", "-sOutputFile=-", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let compact = Poppler.compact(out)
        XCTAssertTrue(compact.contains("中文标题ChineseTitle"), out)
        XCTAssertTrue(compact.contains("患者隐私必须严格保密，不得泄露。"), out)
        XCTAssertTrue(compact.contains("第二页Pagetwo"), out)
    }

    func testEmptyDocumentStillValid() throws {
        _ = try TestFont.load()
        let pdf = PDFDocument().render()
        XCTAssertEqual(try Poppler.pageCount(pdf), 1)
        XCTAssertEqual(try Poppler.diagnostics(pdf), "")
    }
}
