/// A bordered table: fixed column widths, cells with wrapped text, row heights grown to fit.
public struct PDFTable: Sendable {
    public struct Cell: Sendable {
        public var text: String
        /// Overrides the table's text style for this cell.
        public var style: PDFTextStyle?
        public var alignment: PDFTextAlignment
        public var verticalAlignment: PDFVerticalAlignment
        /// Background gray level (nil: no fill).
        public var fillGray: Double?
        /// Number of columns the cell spans (≥ 1).
        public var columnSpan: Int

        public init(_ text: String, style: PDFTextStyle? = nil, alignment: PDFTextAlignment = .left,
                    verticalAlignment: PDFVerticalAlignment = .top, fillGray: Double? = nil, columnSpan: Int = 1) {
            self.text = text; self.style = style; self.alignment = alignment
            self.verticalAlignment = verticalAlignment; self.fillGray = fillGray; self.columnSpan = max(1, columnSpan)
        }
    }

    public struct Row: Sendable {
        public var cells: [Cell]
        /// Minimum row height (e.g. room for a signature).
        public var minHeight: Double
        public init(_ cells: [Cell], minHeight: Double = 0) { self.cells = cells; self.minHeight = minHeight }
    }

    /// A row after line breaking: what will be drawn, and how tall it is.
    public struct RowLayout: Sendable {
        struct CellLayout: Sendable {
            var cell: Cell
            var x: Double              // relative to the table's left edge
            var width: Double
            var style: PDFTextStyle
            var lines: [String]
        }
        var cells: [CellLayout]
        var minHeight: Double
        var padding: Double

        /// Height of the row: the tallest cell's text plus padding, at least `minHeight`.
        public var height: Double {
            max(minHeight, cells.map { Double($0.lines.count) * $0.style.lineHeight }.max().map { $0 + 2 * padding } ?? 0)
        }

        /// Splits the row so that the first part is at most `maxHeight` tall (moving the remaining
        /// lines of each cell to the second part). Nil if the row fits whole, or if a cell that has to be
        /// split cannot keep at least `minimumLines` lines in the first part.
        func split(maxHeight: Double, minimumLines: Int = 1) -> (RowLayout, RowLayout)? {
            var head = self, tail = self
            head.minHeight = 0; tail.minHeight = 0
            var movedAny = false
            for (i, c) in cells.enumerated() {
                let fitting = Int(((maxHeight - 2 * padding) / c.style.lineHeight + 1e-6).rounded(.down))
                if c.lines.count > fitting {
                    guard fitting >= max(1, minimumLines) else { return nil }
                    movedAny = true
                }
                let k = min(c.lines.count, fitting)
                head.cells[i].lines = Array(c.lines.prefix(k))
                tail.cells[i].lines = Array(c.lines.dropFirst(k))
            }
            guard movedAny else { return nil }
            return (head, tail)
        }
    }

    public var columnWidths: [Double]
    public var rows: [Row]
    /// Default text style of cells.
    public var style: PDFTextStyle
    /// Space between cell borders and text.
    public var padding: Double
    /// Cell borders (nil: none).
    public var border: PDFStrokeStyle?
    /// Leading rows repeated at the top of each continuation page when ``PDFFlow`` splits the table.
    public var headerRowCount: Int

    public init(columnWidths: [Double], style: PDFTextStyle, rows: [Row] = [], padding: Double = 5,
                border: PDFStrokeStyle? = PDFStrokeStyle(width: 0.6), headerRowCount: Int = 0) {
        precondition(!columnWidths.isEmpty, "a table needs at least one column")
        self.columnWidths = columnWidths; self.style = style; self.rows = rows
        self.padding = padding; self.border = border; self.headerRowCount = headerRowCount
    }

    public var width: Double { columnWidths.reduce(0, +) }

    public mutating func addRow(_ cells: [Cell], minHeight: Double = 0) {
        rows.append(Row(cells, minHeight: minHeight))
    }

    /// Adds a row of plain text cells.
    public mutating func addRow(_ texts: [String], minHeight: Double = 0) {
        rows.append(Row(texts.map { Cell($0) }, minHeight: minHeight))
    }

    /// Breaks the text of every row into lines.
    public func layoutRows() -> [RowLayout] { rows.map(layout) }

    /// Heights of all rows.
    public func rowHeights() -> [Double] { layoutRows().map(\.height) }

    /// Total height of the table.
    public var height: Double { rowHeights().reduce(0, +) }

    func layout(_ row: Row) -> RowLayout {
        var cells: [RowLayout.CellLayout] = []
        var column = 0, x = 0.0
        for cell in row.cells where column < columnWidths.count {
            let span = min(cell.columnSpan, columnWidths.count - column)
            let w = columnWidths[column..<(column + span)].reduce(0, +)
            let st = cell.style ?? style
            let lines = cell.text.isEmpty ? [] : st.wrap(cell.text, width: max(1, w - 2 * padding))
            cells.append(.init(cell: cell, x: x, width: w, style: st, lines: lines))
            column += span; x += w
        }
        if column < columnWidths.count {          // missing cells: draw empty ones so borders are complete
            let w = columnWidths[column...].reduce(0, +)
            cells.append(.init(cell: Cell(""), x: x, width: w, style: style, lines: []))
        }
        return RowLayout(cells: cells, minHeight: row.minHeight, padding: padding)
    }

    /// Draws one laid-out row with its top-left corner at (`x`, `y`); returns its height.
    @discardableResult
    func draw(_ row: RowLayout, on page: inout PDFPage, x: Double, y: Double) -> Double {
        let h = row.height
        for c in row.cells {
            let rect = PDFRect(x: x + c.x, y: y, width: c.width, height: h)
            if let fill = c.cell.fillGray { page.drawRect(rect, stroke: nil, fillGray: fill) }
            let textHeight = Double(c.lines.count) * c.style.lineHeight
            let top: Double
            switch c.cell.verticalAlignment {
            case .top: top = y + padding
            case .middle: top = y + (h - textHeight) / 2
            case .bottom: top = y + h - padding - textHeight
            }
            page.drawTextLines(c.lines, x: rect.x + padding, top: top, width: c.width - 2 * padding,
                               style: c.style, alignment: c.cell.alignment)
        }
        if let border {
            for c in row.cells { page.drawRect(PDFRect(x: x + c.x, y: y, width: c.width, height: h), stroke: border) }
        }
        return h
    }

    /// Draws the whole table on one page with its top-left corner at (`x`, `y`), without paging
    /// (use ``PDFFlow/table(_:spacingAfter:)`` for tables that may continue on new pages).
    /// Returns the table height.
    @discardableResult
    public func draw(on page: inout PDFPage, x: Double, y: Double) -> Double {
        var top = y
        for row in layoutRows() { top += draw(row, on: &page, x: x, y: top) }
        return top - y
    }
}
