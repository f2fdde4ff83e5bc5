import XCTest
import KitPDF

/// Line breaking of Chinese, Latin and mixed text.
final class TextLayoutTests: XCTestCase {
    private let size = 10.0

    func testChineseBreaksBetweenAnyCharacters() throws {
        let font = try TestFont.load()
        let text = "医疗机构应当建立健全医疗质量管理体系持续改进医疗质量保障医疗安全"
        let lines = TextLayout.wrap(text, font: font, size: size, width: 75)    // 7.5 ideographs
        XCTAssertEqual(lines.first?.count, 7)
        XCTAssertEqual(lines.joined(), text)
        for line in lines { XCTAssertLessThanOrEqual(font.width(of: line, size: size), 75) }
        XCTAssertEqual(lines.count, Int((Double(text.count) / 7).rounded(.up)))
    }

    func testLatinBreaksBetweenWords() throws {
        let font = try TestFont.load()
        let text = "The quick brown fox jumps over the lazy dog"
        let lines = TextLayout.wrap(text, font: font, size: size, width: 80)
        XCTAssertGreaterThan(lines.count, 1)
        let words = Set(text.split(separator: " ").map(String.init))
        for line in lines {
            XCTAssertLessThanOrEqual(font.width(of: line, size: size), 80)
            XCTAssertFalse(line.hasPrefix(" ") || line.hasSuffix(" "), "'\(line)'")
            for w in line.split(separator: " ") { XCTAssertTrue(words.contains(String(w)), "word split: \(w)") }
        }
        XCTAssertEqual(lines.joined(separator: " "), text)
    }

    func testOverlongWordBreaksBetweenCharacters() throws {
        let font = try TestFont.load()
        let url = "https://example.com/a/very/long/path/that/does/not/fit/anywhere"
        let lines = TextLayout.wrap("链接：" + url, font: font, size: size, width: 100)
        XCTAssertGreaterThan(lines.count, 2)
        XCTAssertEqual(lines.joined(), "链接：" + url)
        for line in lines { XCTAssertLessThanOrEqual(font.width(of: line, size: size), 100) }
    }

    func testMixedTextBreaksAroundCJK() throws {
        let font = try TestFont.load()
        let lines = TextLayout.wrap("使用HTTPS协议传输数据", font: font, size: size, width: 45)
        XCTAssertEqual(lines.joined(), "使用HTTPS协议传输数据")
        XCTAssertTrue(lines.contains { $0.contains("HTTPS") }, "\(lines)")
    }

    func testNewlinesAndEmptyParagraphs() throws {
        let font = try TestFont.load()
        XCTAssertEqual(TextLayout.wrap("第一行\n\n第三行\r\n第四行", font: font, size: size, width: 500), ["第一行", "", "第三行", "第四行"])
        XCTAssertEqual(TextLayout.wrap("", font: font, size: size, width: 500), [""])
        XCTAssertEqual(TextLayout.wrap("  indented", font: font, size: size, width: 500), ["  indented"])
    }

    func testClosingPunctuationNeverStartsALine() throws {
        let font = try TestFont.load()
        // Width of exactly 5 ideographs: the 6th character is "，" and must not start line 2.
        let text = "患者信息保，密不得外泄。严格遵守规定，切实保护隐私。"
        for width in stride(from: 40.0, through: 90.0, by: 10) {
            let lines = TextLayout.wrap(text, font: font, size: size, width: width)
            XCTAssertEqual(lines.joined(), text)
            for line in lines.dropFirst() {
                XCTAssertFalse(["，", "。", "、", "）", "”"].contains { line.hasPrefix($0) }, "width \(width): \(lines)")
            }
            for line in lines { XCTAssertLessThanOrEqual(font.width(of: line, size: size), width + 0.001) }
        }
    }

    func testOpeningPunctuationNeverEndsALine() throws {
        let font = try TestFont.load()
        let text = "遵守《中华人民共和国个人信息保护法》和“数据安全法”的规定"
        for width in stride(from: 40.0, through: 120.0, by: 10) {
            let lines = TextLayout.wrap(text, font: font, size: size, width: width)
            XCTAssertEqual(lines.joined(), text)
            for line in lines.dropLast() { XCTAssertFalse(line.hasSuffix("《") || line.hasSuffix("“"), "width \(width): \(lines)") }
        }
    }

    func testStyleHelpers() throws {
        let style = PDFTextStyle(font: try TestFont.load(), size: 12, lineSpacing: 1.5)
        XCTAssertEqual(style.lineHeight, 18)
        XCTAssertEqual(style.width(of: "中文字"), 36, accuracy: 0.01)
        XCTAssertEqual(style.height(of: "中文字中文字", width: 36), 36)
        XCTAssertGreaterThan(style.baselineOffset, style.size * 0.6)
        XCTAssertLessThan(style.baselineOffset, style.lineHeight)
    }
}
