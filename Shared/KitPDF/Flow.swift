/// Top-to-bottom flow layout with automatic paging: paragraphs, tables (split between rows, and
/// inside rows taller than a page) and fixed-height blocks. A header callback decorates every new
/// page; a footer callback runs at the end, when the page count is known.
///
/// ```swift
/// var flow = PDFFlow(margins: PDFMargins(all: 50)) { page, index in 50 }
/// flow.paragraph("正文……", style: body)
/// flow.table(table)
/// let document = flow.finish { page, index, count in … "第 \(index + 1) 页 / 共 \(count) 页" … }
/// ```
public struct PDFFlow {
    /// Draws page decoration at the top of a new page and returns the y where content starts.
    public typealias Header = (_ page: inout PDFPage, _ pageIndex: Int) -> Double
    /// Draws page decoration once all pages exist.
    public typealias Footer = (_ page: inout PDFPage, _ pageIndex: Int, _ pageCount: Int) -> Void

    public private(set) var document: PDFDocument
    public let pageSize: PDFSize
    public let margins: PDFMargins
    /// The page being filled (not yet in `document`).
    public private(set) var page: PDFPage
    /// The cursor: top of the next content, in top-left coordinates.
    public private(set) var y: Double
    private var contentTop: Double
    private let header: Header?

    public init(document: PDFDocument = PDFDocument(), pageSize: PDFSize = .a4, margins: PDFMargins,
                header: Header? = nil) {
        self.document = document
        self.pageSize = pageSize
        self.margins = margins
        self.header = header
        page = PDFPage(size: pageSize)
        let top = max(margins.top, header?(&page, document.pages.count) ?? margins.top)
        contentTop = top
        y = top
    }

    public var left: Double { margins.left }
    public var contentWidth: Double { pageSize.width - margins.left - margins.right }
    /// Lowest y content may reach.
    public var bottom: Double { pageSize.height - margins.bottom }
    public var remainingHeight: Double { bottom - y }
    /// True when nothing has been placed below the header of the current page.
    public var isAtTopOfPage: Bool { y <= contentTop + 0.001 }
    /// 0-based index of the current page.
    public var pageIndex: Int { document.pages.count }

    public mutating func newPage() {
        document.addPage(page)
        page = PDFPage(size: pageSize)
        contentTop = max(margins.top, header?(&page, document.pages.count) ?? margins.top)
        y = contentTop
    }

    /// Starts a new page unless `height` fits below the cursor (or the page is still empty).
    public mutating func ensureSpace(_ height: Double) {
        if y + height > bottom + 0.001, !isAtTopOfPage { newPage() }
    }

    /// Moves the cursor down; vertical space at the end of a page is not carried over.
    public mutating func advance(_ dy: Double) {
        y += dy
        if y > bottom { newPage() }
    }

    /// Wrapped text, continuing on new pages line by line.
    public mutating func paragraph(_ text: String, style: PDFTextStyle, alignment: PDFTextAlignment = .left,
                                   indent: Double = 0, spacingAfter: Double = 0) {
        let width = contentWidth - indent
        for line in style.wrap(text, width: width) {
            ensureSpace(style.lineHeight)
            page.drawTextLine(line, x: left + indent, top: y, width: width, style: style, alignment: alignment)
            y += style.lineHeight
        }
        if spacingAfter > 0 { advance(spacingAfter) }
    }

    /// A list item: `marker` (e.g. "1." or "•") in a hanging column of `markerWidth`, the text
    /// wrapped beside it; continues on new pages line by line.
    public mutating func listItem(_ marker: String, _ text: String, style: PDFTextStyle, indent: Double = 0,
                                  markerWidth: Double = 18, spacingAfter: Double = 0) {
        let x = left + indent + markerWidth
        let width = contentWidth - indent - markerWidth
        for (i, line) in style.wrap(text, width: width).enumerated() {
            ensureSpace(style.lineHeight)
            if i == 0 { page.drawTextLine(marker, x: left + indent, top: y, width: markerWidth, style: style) }
            page.drawTextLine(line, x: x, top: y, width: width, style: style)
            y += style.lineHeight
        }
        if spacingAfter > 0 { advance(spacingAfter) }
    }

    /// A block of fixed height kept on one page; `draw` receives the block's rectangle.
    public mutating func block(height: Double, spacingAfter: Double = 0,
                               _ draw: (_ page: inout PDFPage, _ rect: PDFRect) -> Void) {
        ensureSpace(height)
        draw(&page, PDFRect(x: left, y: y, width: contentWidth, height: height))
        y += height
        if spacingAfter > 0 { advance(spacingAfter) }
    }

    /// A table at the left margin. Rows move to the next page when they do not fit; a row taller
    /// than a whole page is split between its text lines; header rows repeat on each new page.
    public mutating func table(_ table: PDFTable, spacingAfter: Double = 0) {
        let rows = table.layoutRows()
        let headerCount = min(table.headerRowCount, rows.count)
        let headers = Array(rows.prefix(headerCount))
        let headerHeight = headers.reduce(0) { $0 + $1.height }
        // Keep the header rows together with the first body row.
        if headerCount > 0 {
            let firstBody = rows.count > headerCount ? rows[headerCount].height : 0
            ensureSpace(min(headerHeight + firstBody, bottom - contentTop))
        }
        var bodyRowsOnPage = 0
        func continueOnNewPage(_ flow: inout PDFFlow) {
            flow.newPage()
            bodyRowsOnPage = 0
            for h in headers { flow.y += table.draw(h, on: &flow.page, x: flow.left, y: flow.y) }
        }
        var index = 0
        var pending: PDFTable.RowLayout?
        while index < rows.count {
            let row = pending ?? rows[index]
            let isHeader = index < headerCount
            if y + row.height <= bottom + 0.001 {
                y += table.draw(row, on: &page, x: left, y: y)
                pending = nil; index += 1
                if !isHeader { bodyRowsOnPage += 1 }
                continue
            }
            let freshPageSpace = bottom - contentTop - (isHeader ? 0 : headerHeight)
            let canMove = bodyRowsOnPage > 0 || (!isAtTopOfPage && isHeader)
            // A tall row (over a third of a page) is split here rather than leaving a large gap.
            let splitHere = !isHeader && row.height > freshPageSpace / 3
                && row.split(maxHeight: bottom - y, minimumLines: 3) != nil
            if row.height <= freshPageSpace, canMove, !splitHere {
                continueOnNewPage(&self)
                continue
            }
            // Taller than a page (or already at the top): split it, or draw it overflowing if impossible.
            if let (head, tail) = row.split(maxHeight: bottom - y) {
                y += table.draw(head, on: &page, x: left, y: y)
                pending = tail
                continueOnNewPage(&self)
            } else if bodyRowsOnPage > 0 {
                continueOnNewPage(&self)
                if let (head, tail) = row.split(maxHeight: bottom - y) {
                    y += table.draw(head, on: &page, x: left, y: y)
                    pending = tail
                    continueOnNewPage(&self)
                }
            } else {
                y += table.draw(row, on: &page, x: left, y: y)
                pending = nil; index += 1
                if !isHeader { bodyRowsOnPage += 1 }
            }
        }
        if spacingAfter > 0 { advance(spacingAfter) }
    }

    /// Ends the flow: adds the last page, runs `footer` on every page and returns the document.
    public func finish(footer: Footer? = nil) -> PDFDocument {
        var document = self.document
        document.addPage(page)
        if let footer {
            let count = document.pages.count
            for i in 0..<count { footer(&document.pages[i], i, count) }
        }
        return document
    }
}
