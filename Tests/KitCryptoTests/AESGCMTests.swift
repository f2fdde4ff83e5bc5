import XCTest
@testable import KitCrypto

/// AES-256-GCM sealing (with associated data) and the fixed-key HMAC used for digests.
final class AESGCMTests: XCTestCase {
    func testSealOpensOnlyWithItsKeyAndData() throws {
        let box = try AESGCM(key: Array(repeating: 1, count: 32))
        let sealed = try box.seal(Array("张三".utf8), aad: Array("row-1".utf8))
        XCTAssertEqual(sealed.count, 12 + "张三".utf8.count + 16)
        XCTAssertEqual(box.open(sealed, aad: Array("row-1".utf8)), Array("张三".utf8))
        XCTAssertNil(box.open(sealed, aad: Array("row-2".utf8)))
        XCTAssertNil(try AESGCM(key: Array(repeating: 2, count: 32)).open(sealed, aad: Array("row-1".utf8)))
        var flipped = sealed
        flipped[13] ^= 0x80
        XCTAssertNil(box.open(flipped, aad: Array("row-1".utf8)))
        XCTAssertNil(box.open(Array(sealed.prefix(27)), aad: Array("row-1".utf8)))
        XCTAssertEqual(box.open(try box.seal([]), aad: []), [])
        XCTAssertThrowsError(try AESGCM(key: Array(repeating: 1, count: 16)))
    }

    func testKeyedHMACMatchesHMAC() {
        for key in [Array(repeating: UInt8(7), count: 32), Array(repeating: UInt8(9), count: 100), []] {
            let h = KeyedHMAC(key: key)
            for message in ["", "NAME\u{0}张三", String(repeating: "x", count: 1000)] {
                XCTAssertEqual(h.mac(Array(message.utf8)), HMACSHA256.mac(key: key, message: message))
            }
        }
    }
}
