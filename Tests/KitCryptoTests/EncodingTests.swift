import XCTest
@testable import KitCrypto

final class EncodingTests: XCTestCase {
    // RFC 4648 §10 vectors (the base64 and base64url alphabets agree on these).
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ]

    func testBase64URLKnownAnswers() {
        for (plain, encoded) in Self.rfc4648 {
            XCTAssertEqual(Base64URL.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base64URL.decode(encoded), Array(plain.utf8))
        }
        // URL-safe alphabet: 0xfb 0xff → "-_8" (standard base64 would be "+/8=").
        XCTAssertEqual(Base64URL.encode([0xfb, 0xff]), "-_8")
        XCTAssertEqual(Base64URL.decode("-_8"), [0xfb, 0xff])
        XCTAssertEqual(Base64URL.encode([0xff, 0xff, 0xff]), "____")
        XCTAssertEqual(Base64URL.encode([0x00, 0x10, 0x83]), "ABCD")
    }

    func testBase64URLRoundTripsAndMatchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            XCTAssertFalse(encoded.contains("="))
            XCTAssertEqual(Base64URL.decode(encoded), bytes)
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(encoded, foundation)
        }
    }

    func testBase64URLAcceptsCorrectPadding() {
        XCTAssertEqual(Base64URL.decode("Zg=="), Array("f".utf8))
        XCTAssertEqual(Base64URL.decode("Zm8="), Array("fo".utf8))
        XCTAssertEqual(Base64URL.decode("Zm9v"), Array("foo".utf8))
    }

    func testBase64URLRejects() {
        let invalid = [
            "Z",          // impossible length
            "Zm9vY",      // impossible length
            "Zg=",        // incomplete padding
            "Zg===",      // too much padding
            "Zm9v====",   // padding on a full quantum
            "Zm9v=",      // padding on a full quantum
            "=Zg=",       // padding not at the end
            "Z=g=",
            "Zm+v",       // standard-alphabet characters
            "Zm/v",
            "Zm9v Yg",    // whitespace
            "Zm9v\nYg",
            "Zm9vYg.",
            "Zm9\u{00e9}",
            "Zh",         // non-zero trailing bits (non-canonical "f")
            "Zm9",        // non-canonical "fo" ends in "8"
        ]
        for s in invalid {
            XCTAssertNil(Base64URL.decode(s), "accepted \(s.debugDescription)")
        }
    }

    func testHex() {
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.encode([0x00, 0x01, 0xab, 0xff]), "0001abff")
        XCTAssertEqual(Hex.decode("0001abff"), [0x00, 0x01, 0xab, 0xff])
        XCTAssertEqual(Hex.decode("0001ABFF"), [0x00, 0x01, 0xab, 0xff])
        XCTAssertEqual(Hex.decode(""), [])
        for s in ["0", "abc", "0g", "zz", "0x00", " 00", "00 ", "é0"] {
            XCTAssertNil(Hex.decode(s), "accepted \(s)")
        }
        let bytes = (0...255).map { UInt8($0) }
        XCTAssertEqual(Hex.decode(Hex.encode(bytes)), bytes)
    }
}
