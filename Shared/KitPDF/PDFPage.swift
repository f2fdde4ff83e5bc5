/// One page: a list of drawing operations in top-left coordinates (y grows downwards).
public struct PDFPage: Sendable {
    enum Operation: Sendable {
        case text(TextRun)
        case line(from: PDFPoint, to: PDFPoint, stroke: PDFStrokeStyle)
        case rect(PDFRect, stroke: PDFStrokeStyle?, fillGray: Double?)
    }

    struct TextRun: Sendable {
        var font: TrueTypeFont
        var size: Double
        var gray: Double
        var bold: Bool
        var origin: PDFPoint                 // baseline start, top-left coordinates
        var glyphs: [UInt16]
        var scalars: [Unicode.Scalar]        // source character of each glyph, for /ToUnicode
    }

    public let size: PDFSize
    private(set) var operations: [Operation] = []

    public init(size: PDFSize = .a4) { self.size = size }

    /// Whether anything has been drawn on the page.
    public var isEmpty: Bool { operations.isEmpty }

    // MARK: Text

    /// Draws one line of text with its baseline starting at (`x`, `baseline`). No wrapping.
    public mutating func drawText(_ text: String, x: Double, baseline: Double, style: PDFTextStyle) {
        let glyphs = style.font.glyphs(for: text)
        guard !glyphs.isEmpty else { return }
        operations.append(.text(TextRun(font: style.font, size: style.size, gray: style.gray, bold: style.bold,
                                        origin: PDFPoint(x: x, y: baseline),
                                        glyphs: glyphs.map(\.gid), scalars: glyphs.map(\.scalar))))
    }

    /// Draws one line of text in a line box whose top edge is `top`, aligned within [`x`, `x + width`].
    public mutating func drawTextLine(_ text: String, x: Double, top: Double, width: Double,
                                  style: PDFTextStyle, alignment: PDFTextAlignment = .left) {
        let w = style.width(of: text)
        let dx: Double
        switch alignment {
        case .left: dx = 0
        case .center: dx = (width - w) / 2
        case .right: dx = width - w
        }
        drawText(text, x: x + dx, baseline: top + style.baselineOffset, style: style)
    }

    /// Wraps `text` to `width` and draws it starting with the line box at `top`.
    /// Returns the height used (line count × line height).
    @discardableResult
    public mutating func drawTextBlock(_ text: String, x: Double, top: Double, width: Double,
                                       style: PDFTextStyle, alignment: PDFTextAlignment = .left) -> Double {
        let lines = style.wrap(text, width: width)
        drawTextLines(lines, x: x, top: top, width: width, style: style, alignment: alignment)
        return Double(lines.count) * style.lineHeight
    }

    /// Draws already-wrapped lines, one line box each.
    public mutating func drawTextLines(_ lines: [String], x: Double, top: Double, width: Double,
                                   style: PDFTextStyle, alignment: PDFTextAlignment = .left) {
        for (i, line) in lines.enumerated() {
            drawTextLine(line, x: x, top: top + Double(i) * style.lineHeight, width: width, style: style, alignment: alignment)
        }
    }

    // MARK: Graphics

    public mutating func drawLine(from: PDFPoint, to: PDFPoint, stroke: PDFStrokeStyle = PDFStrokeStyle()) {
        operations.append(.line(from: from, to: to, stroke: stroke))
    }

    /// Draws a rectangle: outlined with `stroke` (nil for none), filled with `fillGray` (nil for none).
    public mutating func drawRect(_ rect: PDFRect, stroke: PDFStrokeStyle? = PDFStrokeStyle(), fillGray: Double? = nil) {
        guard stroke != nil || fillGray != nil else { return }
        operations.append(.rect(rect, stroke: stroke, fillGray: fillGray))
    }

    // MARK: Serialization

    /// Fonts drawn on this page, in first-use order.
    var fonts: [TrueTypeFont] {
        var seen = Set<ObjectIdentifier>()
        var result: [TrueTypeFont] = []
        for case .text(let run) in operations where seen.insert(ObjectIdentifier(run.font)).inserted {
            result.append(run.font)
        }
        return result
    }

    /// The page content stream (uncompressed), in PDF user space.
    func contentStream(fontNames: [ObjectIdentifier: String]) -> [UInt8] {
        var out = ""
        let h = size.height
        func n(_ v: Double) -> String { pdfNumber(v) }
        func strokeOps(_ s: PDFStrokeStyle) -> String {
            var ops = "\(n(s.width)) w \(n(s.gray)) G"
            if !s.dash.isEmpty { ops += " [\(s.dash.map(n).joined(separator: " "))] 0 d" }
            return ops
        }
        for op in operations {
            switch op {
            case .text(let run):
                guard let name = fontNames[ObjectIdentifier(run.font)] else { continue }
                let hex = String(decoding: hexBytes(run.glyphs.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }), as: UTF8.self)
                out += "q \(n(run.gray)) g"
                if run.bold { out += " \(n(run.gray)) G \(n(run.size * 0.04)) w 1 j 2 Tr" }
                out += "\nBT /\(name) \(n(run.size)) Tf 1 0 0 1 \(n(run.origin.x)) \(n(h - run.origin.y)) Tm <\(hex)> Tj ET Q\n"
            case .line(let from, let to, let stroke):
                out += "q \(strokeOps(stroke)) \(n(from.x)) \(n(h - from.y)) m \(n(to.x)) \(n(h - to.y)) l S Q\n"
            case .rect(let r, let stroke, let fill):
                var ops = "q"
                if let fill { ops += " \(n(fill)) g" }
                if let stroke { ops += " \(strokeOps(stroke))" }
                let paint = stroke == nil ? "f" : (fill == nil ? "S" : "B")
                out += "\(ops) \(n(r.x)) \(n(h - r.maxY)) \(n(r.width)) \(n(r.height)) re \(paint) Q\n"
            }
        }
        return Array(out.utf8)
    }
}
