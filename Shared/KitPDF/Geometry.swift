/// Geometry and style values shared by the page model.
///
/// Coordinates are in PDF points (1/72 inch) with the origin at the TOP-LEFT corner of the page
/// and y growing downwards, which is how forms are laid out; the writer converts to PDF's
/// bottom-left user space when it writes content streams.

public struct PDFSize: Sendable, Equatable {
    public var width: Double
    public var height: Double
    public init(width: Double, height: Double) { self.width = width; self.height = height }

    /// ISO A4, 595 × 842 pt.
    public static let a4 = PDFSize(width: 595, height: 842)
    /// A4 landscape.
    public static let a4Landscape = PDFSize(width: 842, height: 595)
}

public struct PDFPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

public struct PDFRect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
}

public struct PDFMargins: Sendable, Equatable {
    public var top: Double, left: Double, bottom: Double, right: Double
    public init(top: Double, left: Double, bottom: Double, right: Double) {
        self.top = top; self.left = left; self.bottom = bottom; self.right = right
    }
    public init(all: Double) { self.init(top: all, left: all, bottom: all, right: all) }
}

public enum PDFTextAlignment: Sendable, Equatable { case left, center, right }

public enum PDFVerticalAlignment: Sendable, Equatable { case top, middle, bottom }

/// How lines and outlines are stroked. Gray: 0 = black … 1 = white.
public struct PDFStrokeStyle: Sendable, Equatable {
    public var width: Double
    public var gray: Double
    /// Dash pattern (on/off lengths); empty for a solid line.
    public var dash: [Double]
    public init(width: Double = 0.5, gray: Double = 0, dash: [Double] = []) {
        self.width = width; self.gray = gray; self.dash = dash
    }
}

/// Font, size and color of text.
public struct PDFTextStyle: Sendable {
    public var font: TrueTypeFont
    public var size: Double
    /// Fill gray level: 0 = black … 1 = white.
    public var gray: Double
    /// Simulated bold (glyphs are filled and stroked), for fonts without a bold face.
    public var bold: Bool
    /// Line height as a multiple of the font size.
    public var lineSpacing: Double

    public init(font: TrueTypeFont, size: Double = 10.5, gray: Double = 0, bold: Bool = false, lineSpacing: Double = 1.45) {
        self.font = font; self.size = size; self.gray = gray; self.bold = bold; self.lineSpacing = lineSpacing
    }

    /// Distance between consecutive baselines.
    public var lineHeight: Double { size * lineSpacing }

    /// Distance from the top of a line box to the baseline: the font's ascender/descender box,
    /// scaled to `size`, is centred vertically in the line box.
    public var baselineOffset: Double {
        let asc = Double(font.ascender), desc = Double(-font.descender)
        let ratio = asc + desc > 0 ? asc / (asc + desc) : 0.8
        return (lineHeight - size) / 2 + size * ratio
    }

    public func with(size: Double? = nil, gray: Double? = nil, bold: Bool? = nil, lineSpacing: Double? = nil) -> PDFTextStyle {
        PDFTextStyle(font: font, size: size ?? self.size, gray: gray ?? self.gray, bold: bold ?? self.bold,
                  lineSpacing: lineSpacing ?? self.lineSpacing)
    }

    /// Width of a single line of text in points.
    public func width(of text: String) -> Double { font.width(of: text, size: size) }

    /// Wraps text into lines no wider than `width` (see ``TextLayout/wrap(_:font:size:width:)``).
    public func wrap(_ text: String, width: Double) -> [String] {
        TextLayout.wrap(text, font: font, size: size, width: width)
    }

    /// Height of `text` wrapped to `width`.
    public func height(of text: String, width: Double) -> Double {
        Double(wrap(text, width: width).count) * lineHeight
    }
}
