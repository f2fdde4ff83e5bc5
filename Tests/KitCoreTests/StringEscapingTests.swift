import Foundation
import XCTest
import KitCore

final class StringEscapingTests: XCTestCase {
    func testAllASCIIMatchesJSONEncoder() throws {
        var all = ""
        for b in 0..<128 { all.unicodeScalars.append(Unicode.Scalar(UInt8(b))) }
        assertSameText([all])
        assertSameText(all)
        // Each character on its own, so a difference points at the byte.
        for b in 0..<128 {
            let s = String(Unicode.Scalar(UInt8(b)))
            XCTAssertEqual(try fastText(s), try referenceText(s), "byte \(b)")
        }
    }

    func testControlCharacters() throws {
        XCTAssertEqual(try fastText("\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}"),
                       #""\u0000\u0001\b\t\n\u000b\f\r\u001f\#u{7f}""#)
        XCTAssertEqual(try fastText("quote \" backslash \\ slash /"), #""quote \" backslash \\ slash /""#)
    }

    func testChineseAndEmojiAreRawUTF8() throws {
        let s = "你好，质控 😀👩‍👩‍👧 é \u{2028}\u{2029} \u{85} \u{feff}"
        let bytes = try FastJSON.encode(s)
        XCTAssertEqual(bytes, Array("\"\(s)\"".utf8))
        assertSameText(s)
        assertRoundTrip([s])
    }

    func testStringShapes() throws {
        for s in ["", "a", "\"", "\\\\", "\n\n", "ab\"cd", "\u{1}x", "x\u{1}", String(repeating: "长", count: 1000),
                  String(repeating: "a\"", count: 300), "small", "exactly15bytes!", "sixteen bytes!!!"] {
            XCTAssertEqual(try fastText(s), try referenceText(s), s)
            assertRoundTrip(["k": s])
        }
    }

    func testRandomStringsMatchJSONEncoderText() throws {
        // Escapes at every offset of strings long enough for the 8-bytes-at-a-time scan.
        let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "~", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1f}", "\u{7f}",
                                      "\u{80}", "é", "中", "😀", "\u{2028}", "!", "#"]
        var rng = SystemRandomNumberGenerator()
        var strings: [String] = []
        for length in 0..<40 {
            for _ in 0..<25 {
                var s = String.UnicodeScalarView()
                for _ in 0..<length { s.append(pool[Int(rng.next() % UInt64(pool.count))]) }
                strings.append(String(s))
            }
        }
        for position in 0..<24 {
            for special in ["\"", "\\", "\u{1}", "\u{1f}"] {
                strings.append(String(repeating: "x", count: position) + special + String(repeating: "y", count: 24 - position))
            }
        }
        XCTAssertEqual(try fastText(strings), try referenceText(strings))
    }

    func testKeysAreEscaped() throws {
        struct Weird: Encodable {
            enum CodingKeys: String, CodingKey { case a = "a\"b", b = "tab\there", c = "中文" }
            let a = 1, b = 2, c = 3
        }
        XCTAssertEqual(try fastText(Weird()), #"{"a\"b":1,"tab\there":2,"中文":3}"#)
        assertSameStructure(Weird())
    }

    func testSlicedAndBridgedStrings() throws {
        let text = "hello, world"
        XCTAssertEqual(try fastText(String(text.dropFirst(7))), #""world""#)
        let ns = NSString(string: "ns \"string\" 中") as String
        XCTAssertEqual(try fastText(ns), try referenceText(ns))
    }
}
