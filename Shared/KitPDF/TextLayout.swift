/// Text measurement and line breaking for mixed Chinese / Latin text.

extension TrueTypeFont {
    /// Maps text to (glyph id, source character) pairs as drawn: tabs become spaces, other
    /// control and invisible formatting characters are dropped, and characters the font lacks map to
    /// glyph 0 (`.notdef`). One glyph per Unicode scalar (no shaping).
    func glyphs(for text: String) -> [(gid: UInt16, scalar: Unicode.Scalar)] {
        var result: [(UInt16, Unicode.Scalar)] = []
        result.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            var scalar = s
            switch s.value {
            case 0x09: scalar = " "
            case 0x00..<0x20, 0x7F..<0xA0, 0xAD, 0x200B...0x200F, 0x2060...0x2064, 0xFE00...0xFE0F, 0xFEFF:
                continue
            default: break
            }
            var gid = glyphID(for: scalar)
            if gid == 0, TextLayout.isWhitespace(scalar) { gid = glyphID(for: " ") }
            result.append((gid, scalar))
        }
        return result
    }

    /// Width of a single line of text at `size` points, using the same 1000-unit widths that the
    /// PDF `/W` array declares (so measured and rendered widths agree).
    public func width(of text: String, size: Double) -> Double {
        var units = 0
        for g in glyphs(for: text) { units += pdfWidth(ofGlyph: g.gid) }
        return Double(units) * size / 1000
    }

    func width(of scalars: [Unicode.Scalar], size: Double) -> Double {
        width(of: String(String.UnicodeScalarView(scalars)), size: size)
    }
}

/// Line breaking.
///
/// Rules: explicit newlines always break; a line may break between any two CJK characters, before
/// and after CJK text, and at spaces between Latin words (the spaces are dropped at the break);
/// a Latin word wider than the line is broken between characters. Simple kinsoku: closing
/// punctuation (，。）」… ) never starts a line and opening punctuation (（「“ …) never ends one —
/// the neighbouring character moves to the next line with it.
public enum TextLayout {
    /// Wraps `text` into lines whose measured width does not exceed `width`.
    /// An empty paragraph (e.g. from "\n\n") produces an empty line.
    public static func wrap(_ text: String, font: TrueTypeFont, size: Double, width: Double) -> [String] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines: [String] = []
        for paragraph in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += wrapParagraph(Array(paragraph.unicodeScalars), font: font, size: size, width: width)
        }
        return lines
    }

    private enum TokenKind { case space, word, cjk }

    private struct Token {
        var kind: TokenKind
        var scalars: [Unicode.Scalar]
        var width: Double
    }

    private static func tokenize(_ scalars: [Unicode.Scalar], font: TrueTypeFont, size: Double) -> [Token] {
        var tokens: [Token] = []
        var word: [Unicode.Scalar] = []
        var spaces: [Unicode.Scalar] = []
        func flushWord() {
            if !word.isEmpty { tokens.append(Token(kind: .word, scalars: word, width: font.width(of: word, size: size))); word = [] }
        }
        func flushSpaces() {
            if !spaces.isEmpty { tokens.append(Token(kind: .space, scalars: spaces, width: font.width(of: spaces, size: size))); spaces = [] }
        }
        for s in scalars {
            if isWhitespace(s) {
                flushWord(); spaces.append(s)
            } else if isCJK(s) {
                flushWord(); flushSpaces()
                tokens.append(Token(kind: .cjk, scalars: [s], width: font.width(of: [s], size: size)))
            } else {
                flushSpaces(); word.append(s)
            }
        }
        flushWord(); flushSpaces()
        return tokens
    }

    private static func wrapParagraph(_ scalars: [Unicode.Scalar], font: TrueTypeFont, size: Double, width: Double) -> [String] {
        let tokens = tokenize(scalars, font: font, size: size)
        let limit = width + 1e-6
        var lines: [[Token]] = []
        var current: [Token] = []
        var currentWidth = 0.0
        var pending: [Token] = []          // spaces waiting between the line and the next token

        func flush() {
            while let last = current.last, last.kind == .space { current.removeLast() }
            lines.append(current)
            current = []; currentWidth = 0; pending = []
        }
        func appendCharacters(of token: Token) {     // a word too wide for any line: break anywhere
            for s in token.scalars {
                let w = font.width(of: [s], size: size)
                if currentWidth + w > limit, !current.isEmpty { flush() }
                current.append(Token(kind: .word, scalars: [s], width: w))
                currentWidth += w
            }
        }

        for token in tokens {
            if token.kind == .space {
                if !current.isEmpty || lines.isEmpty { pending.append(token) }
                continue
            }
            let spaceWidth = pending.reduce(0) { $0 + $1.width }
            if currentWidth + spaceWidth + token.width <= limit {
                current += pending; current.append(token)
                currentWidth += spaceWidth + token.width
                pending = []
                continue
            }
            if current.allSatisfy({ $0.kind == .space }) {
                current += pending; pending = []
                currentWidth = current.reduce(0) { $0 + $1.width }
                appendCharacters(of: token)
                continue
            }
            // Break before `token`, respecting kinsoku where the line can spare a token.
            var carry: [Token] = []
            if pending.isEmpty {
                if startsWithProhibitedAtLineStart(token), current.count > 1 {
                    carry = [current.removeLast()]
                    while current.count > 1, let first = carry.first, startsWithProhibitedAtLineStart(first) {
                        carry.insert(current.removeLast(), at: 0)
                    }
                }
                if current.count > 1, let last = current.last, isProhibitedAtLineEnd(last) {
                    carry.insert(current.removeLast(), at: 0)
                }
            }
            flush()
            current = carry
            currentWidth = carry.reduce(0) { $0 + $1.width }
            if token.kind == .word, currentWidth + token.width > limit {
                appendCharacters(of: token)
            } else {
                current.append(token)
                currentWidth += token.width
            }
        }
        if !current.isEmpty || lines.isEmpty { flush() }
        return lines.map { line in String(String.UnicodeScalarView(line.flatMap(\.scalars))) }
    }

    private static let noLineStart = Set("，。、；：？！）］｝】》」』〉〕〗〙”’…‥·・ー々〜～％!),.:;?]}%".unicodeScalars)
    private static let noLineEnd = Set("（［｛【《「『〈〔〖〘“‘([{".unicodeScalars)

    private static func startsWithProhibitedAtLineStart(_ token: Token) -> Bool {
        guard let first = token.scalars.first else { return false }
        return noLineStart.contains(first)
    }

    private static func isProhibitedAtLineEnd(_ token: Token) -> Bool {
        guard let last = token.scalars.last else { return false }
        return noLineEnd.contains(last)
    }

    /// Whether a line may break before and after this character (CJK ideographs, kana, hangul,
    /// CJK and full-width punctuation, CJK-style quotes and ellipsis).
    public static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2E80...0x2FFF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x31FF, 0x3200...0x33FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7AF, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x20000...0x3FFFF,
             0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026:
            return true
        default:
            return false
        }
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s.value == 0x00A0 || (0x2000...0x200A).contains(s.value)
    }
}
