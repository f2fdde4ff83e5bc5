import XCTest
@testable import KitCrypto

final class SecureRandomTests: XCTestCase {
    func testBytes() {
        XCTAssertEqual(SecureRandom.bytes(0), [])
        XCTAssertEqual(SecureRandom.bytes(1).count, 1)
        XCTAssertEqual(SecureRandom.bytes(100_000).count, 100_000)
        XCTAssertNotEqual(SecureRandom.bytes(32), SecureRandom.bytes(32))
    }

    func testToken() {
        let token = SecureRandom.token()
        XCTAssertEqual(token.count, 43)
        XCTAssertEqual(Base64URL.decode(token)?.count, 32)
        XCTAssertNotEqual(token, SecureRandom.token())
        XCTAssertEqual(SecureRandom.token(bytes: 16).count, 22)
        XCTAssertEqual(SecureRandom.token(bytes: 0), "")
    }

    func testDigitsOnlyDigitsAndCorrectLength() {
        XCTAssertEqual(SecureRandom.digits(0), "")
        for length in [1, 4, 6, 8, 20, 1000] {
            let code = SecureRandom.digits(length)
            XCTAssertEqual(code.count, length)
            XCTAssertEqual(code.utf8.count, length)
            XCTAssertTrue(code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, code)
        }
    }

    func testDigitsRoughlyUniform() {
        // 100 000 digits: each count has σ ≈ 95, so ±800 is an extremely loose (8σ) bound that
        // still catches gross bias such as modulo-256 bias towards 0...5 (≈ +2.3 %).
        var counts = [Int](repeating: 0, count: 10)
        for byte in SecureRandom.digits(100_000).utf8 { counts[Int(byte - UInt8(ascii: "0"))] += 1 }
        for count in counts { XCTAssertEqual(Double(count), 10_000, accuracy: 800, "\(counts)") }
    }

    func testStringUsesAlphabet() {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let value = SecureRandom.string(10_000, alphabet: alphabet)
        XCTAssertEqual(value.count, 10_000)
        XCTAssertTrue(value.allSatisfy { alphabet.contains($0) })
        XCTAssertEqual(Set(value).count, alphabet.count)
        XCTAssertEqual(SecureRandom.string(0, alphabet: alphabet), "")
        XCTAssertEqual(SecureRandom.string(5, alphabet: ["x"]), "xxxxx")
        // Grapheme clusters are kept intact.
        let emoji: [Character] = ["👍🏽", "é", "🇩🇪"]
        let e = SecureRandom.string(50, alphabet: emoji)
        XCTAssertEqual(e.count, 50)
        XCTAssertTrue(e.allSatisfy { emoji.contains($0) })
    }

    func testUniformBelow() {
        var generator = OpenSSLRandomNumberGenerator()
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30_000 { counts[SecureRandom.uniform(below: 3, using: &generator)] += 1 }
        for count in counts { XCTAssertEqual(Double(count), 10_000, accuracy: 700, "\(counts)") }
        XCTAssertEqual(SecureRandom.uniform(below: 1, using: &generator), 0)
        let big = SecureRandom.uniform(below: Int.max, using: &generator)
        XCTAssertTrue(big >= 0 && big < Int.max)
    }
}
