import XCTest
import KitPDF

/// Paging: paragraphs and tables continuing on new pages, headers and footers.
final class FlowTests: XCTestCase {
    private func flow(_ font: TrueTypeFont) -> PDFFlow {
        let headerStyle = PDFTextStyle(font: font, size: 9)
        return PDFFlow(margins: PDFMargins(all: 50)) { page, index in
            page.drawTextLine("页眉 HEADER \(index + 1)", x: 50, top: 20, width: 495, style: headerStyle)
            return 50
        }
    }

    private func finish(_ flow: PDFFlow, font: TrueTypeFont) -> [UInt8] {
        flow.finish { page, index, count in
            page.drawTextLine("FOOTER \(index + 1)/\(count)", x: 50, top: 810, width: 495, style: PDFTextStyle(font: font, size: 9))
        }.render()
    }

    func testLongParagraphContinuesOnNewPages() throws {
        let font = try TestFont.load()
        var f = flow(font)
        let style = PDFTextStyle(font: font, size: 12)
        f.paragraph(String(repeating: "医疗质量控制数据报送。", count: 400) + "END-OF-TEXT", style: style)
        let pdf = finish(f, font: font)
        let pages = try XCTUnwrap(try Poppler.pageCount(pdf))
        XCTAssertGreaterThanOrEqual(pages, 3)
        let text = try Poppler.text(pdf)
        XCTAssertTrue(text.contains("END-OF-TEXT"))
        XCTAssertTrue(text.contains("FOOTER 1/\(pages)") && text.contains("FOOTER \(pages)/\(pages)"), text)
        XCTAssertTrue(Poppler.compact(text).contains("页眉HEADER\(pages)"))
    }

    func testTableRowsMoveAndHeaderRepeats() throws {
        let font = try TestFont.load()
        var f = flow(font)
        let style = PDFTextStyle(font: font, size: 10)
        var table = PDFTable(columnWidths: [100, 395], style: style, headerRowCount: 1)
        table.addRow([PDFTable.Cell("HEAD-LABEL", fillGray: 0.9), PDFTable.Cell("HEAD-VALUE", fillGray: 0.9)])
        for i in 1...80 { table.addRow(["ROW\(i)", "第 \(i) 行内容"]) }
        f.table(table)
        let pdf = finish(f, font: font)
        let pages = try XCTUnwrap(try Poppler.pageCount(pdf))
        XCTAssertGreaterThanOrEqual(pages, 2)
        for page in 1...pages {
            let text = try Poppler.withFile(pdf) {
                String(decoding: try Poppler.run("pdftotext", ["-layout", "-f", "\(page)", "-l", "\(page)", $0, "-"]).stdout, as: UTF8.self)
            }
            XCTAssertTrue(text.contains("HEAD-LABEL"), "page \(page) lacks the repeated header row")
        }
        let all = try Poppler.text(pdf)
        for i in [1, 40, 80] { XCTAssertTrue(all.contains("ROW\(i) "), "ROW\(i)") }
    }

    func testRowTallerThanAPageIsSplit() throws {
        let font = try TestFont.load()
        var f = flow(font)
        let style = PDFTextStyle(font: font, size: 10)
        var table = PDFTable(columnWidths: [100, 395], style: style)
        let huge = (1...120).map { "第\($0)行LINE\($0)" }.joined(separator: "\n")
        table.addRow(["备注", huge])
        table.addRow(["AFTER", "after"])
        f.table(table)
        let pdf = finish(f, font: font)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(try Poppler.pageCount(pdf)), 2)
        let text = try Poppler.text(pdf)
        for i in [1, 60, 119, 120] { XCTAssertTrue(text.contains("LINE\(i)\n") || text.contains("LINE\(i) "), "LINE\(i) missing") }
        XCTAssertTrue(text.contains("AFTER"))
    }

    func testBlocksAreKeptTogether() throws {
        let font = try TestFont.load()
        var f = flow(font)
        f.advance(650)
        XCTAssertEqual(f.pageIndex, 0)
        f.block(height: 100) { page, rect in
            XCTAssertEqual(rect.y, 50, "block moved to the top of a new page")
            page.drawRect(rect)
        }
        XCTAssertEqual(f.pageIndex, 1)
        XCTAssertEqual(f.y, 150)
        XCTAssertEqual(f.finish().pages.count, 2)
    }
}
