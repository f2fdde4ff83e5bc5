import Foundation
import KitClient
import XCTest

/// Subjects become RFC 2047 base64 encoded-words, split on whole characters.
final class RFC2047Tests: XCTestCase {
    func testPlainASCIIPassesThrough() {
        XCTAssertEqual(RFC2047.encode("Monthly quality report"), "Monthly quality report")
        XCTAssertEqual(RFC2047.encode("Re: report #12 (draft)"), "Re: report #12 (draft)")
        XCTAssertEqual(RFC2047.encode(""), "")
    }

    func testTextThatLooksEncodedOrHasControlsIsEncoded() {
        for text in ["=?UTF-8?B?abc?=", "line\r\nBcc: someone@example.com", "tab\there"] {
            let encoded = RFC2047.encode(text)
            XCTAssertTrue(encoded.hasPrefix("=?UTF-8?B?"), encoded)
            XCTAssertEqual(decode(encoded), text)
            XCTAssertFalse(encoded.replacingOccurrences(of: "\r\n ", with: " ").contains("\n"))
        }
    }

    func testChineseSubjectRoundTrips() {
        let subject = "季度质量报告：审批通过"
        let encoded = RFC2047.encode(subject)
        XCTAssertTrue(encoded.hasPrefix("=?UTF-8?B?") && encoded.hasSuffix("?="), encoded)
        XCTAssertEqual(decode(encoded), subject)
    }

    func testLongSubjectSplitsIntoShortWordsOnWholeCharacters() {
        let subject = String(repeating: "质量管理体系审核报告，", count: 12) + "👨‍👩‍👧‍👦🇨🇳 end"
        let encoded = RFC2047.encode(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        XCTAssertGreaterThan(words.count, 5)
        for word in words {
            XCTAssertLessThanOrEqual(word.count, 75, word)
            XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), word)
            // Each word on its own is valid UTF-8: no character is cut in half.
            let bytes = base64Payload(word)
            XCTAssertNotNil(String(validating: bytes, as: UTF8.self), word)
        }
        XCTAssertEqual(decode(encoded), subject)
        // The family emoji (a 25-byte grapheme cluster) stays within one word.
        XCTAssertTrue(words.contains { String(decoding: base64Payload($0), as: UTF8.self).contains("👨‍👩‍👧‍👦") })
    }

    func testHugeGraphemeClusterSplitsOnScalars() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 40)  // one Character, 81 bytes
        let encoded = RFC2047.encode(zalgo)
        for word in encoded.components(separatedBy: "\r\n ") {
            XCTAssertLessThanOrEqual(word.count, 75)
            XCTAssertNotNil(String(validating: base64Payload(word), as: UTF8.self))
        }
        XCTAssertEqual(decode(encoded), zalgo)
    }

    private func base64Payload(_ word: String) -> [UInt8] {
        let inner = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
        return Array(Data(base64Encoded: String(inner)) ?? Data())
    }

    /// Adjacent encoded-words separated by folding whitespace decode to their concatenation.
    private func decode(_ encoded: String) -> String {
        let words = encoded.components(separatedBy: "\r\n ")
        return String(decoding: words.flatMap(base64Payload), as: UTF8.self)
    }
}
