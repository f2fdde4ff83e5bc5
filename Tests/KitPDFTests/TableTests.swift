import XCTest
import KitPDF

final class TableTests: XCTestCase {
    func testRowHeightsGrowToFitWrappedText() throws {
        let style = PDFTextStyle(font: try TestFont.load(), size: 10, lineSpacing: 1.5)   // 15 pt lines
        var table = PDFTable(columnWidths: [60, 110], style: style, padding: 5)
        table.addRow(["姓名", "张三"])
        table.addRow(["地址", String(repeating: "很长的地址", count: 6)])    // 30 ideographs / 10 per line
        table.addRow(["签字", ""], minHeight: 60)
        table.addRow([PDFTable.Cell("跨两列的单元格", columnSpan: 2)])
        XCTAssertEqual(table.rowHeights(), [25, 3 * 15 + 10, 60, 25])
        XCTAssertEqual(table.height, 25 + 55 + 60 + 25)
        XCTAssertEqual(table.width, 170)
    }

    func testDrawsTextAndBordersReadableByPoppler() throws {
        let style = PDFTextStyle(font: try TestFont.load(), size: 11)
        var table = PDFTable(columnWidths: [120, 300], style: style, headerRowCount: 1)
        table.addRow([PDFTable.Cell("项目", style: style.with(bold: true), fillGray: 0.85), PDFTable.Cell("内容", fillGray: 0.85)])
        table.addRow(["机构名称", "北京协和医院"])
        table.addRow(["Email", "qc@example.org"])
        var page = PDFPage()
        let height = table.draw(on: &page, x: 60, y: 80)
        XCTAssertEqual(height, table.height, accuracy: 0.001)
        let pdf = PDFDocument(pages: [page]).render()
        let text = try Poppler.text(pdf)
        XCTAssertTrue(Poppler.compact(text).contains("机构名称北京协和医院"), text)
        XCTAssertTrue(text.contains("qc@example.org"), text)
        XCTAssertGreaterThan(try Poppler.renderGray(pdf).darkPixelCount(), 300)
    }
}
