import XCTest
@testable import KitCrypto

final class SHA256Tests: XCTestCase {
    // FIPS 180-4 / NIST CSRC example vectors.
    static let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    func testKnownAnswers() {
        for (message, expected) in Self.vectors {
            XCTAssertEqual(SHA256.hex(Array(message.utf8)), expected, "message \"\(message)\"")
            XCTAssertEqual(Hex.encode(SHA256.hash(message)), expected)
            XCTAssertEqual(SHA256.hex(message), expected)
            XCTAssertEqual(SHA256.hash(message).count, 32)
        }
    }

    func testGenericCollections() {
        let expected = Self.vectors[1].1
        XCTAssertEqual(SHA256.hex("abc".utf8), expected)
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), expected)
        XCTAssertEqual(SHA256.hex(Array("xabcx".utf8)[1..<4]), expected)
        // A non-contiguous collection.
        XCTAssertEqual(SHA256.hex(Array("cba".utf8).reversed()), expected)
        XCTAssertEqual(SHA256.hex([UInt8]()), Self.vectors[0].1)
    }

    func testIncrementalMatchesOneShot() {
        let message = Array(Self.vectors[2].0.utf8)
        let hasher = SHA256.Hasher()
        for chunk in stride(from: 0, to: message.count, by: 7) {
            hasher.update(Array(message[chunk..<min(chunk + 7, message.count)]))
        }
        XCTAssertEqual(Hex.encode(hasher.finalize()), Self.vectors[2].1)

        // After finalize the hasher is reset and reusable; empty updates are no-ops.
        hasher.update([])
        hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
        XCTAssertEqual(Hex.encode(hasher.finalize()), Self.vectors[0].1)

        "abc".utf8.withContiguousStorageIfAvailable { hasher.update(UnsafeRawBufferPointer($0)) }
        XCTAssertEqual(Hex.encode(hasher.finalize()), Self.vectors[1].1)
    }

    func testMillionA() {
        // NIST long-message vector: one million repetitions of "a", streamed.
        let hasher = SHA256.Hasher()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(block) }
        XCTAssertEqual(Hex.encode(hasher.finalize()),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
