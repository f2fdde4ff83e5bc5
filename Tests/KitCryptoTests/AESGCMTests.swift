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

    /// `BulkSealer` (bulk imports): its boxes open with `AESGCM.open` under their own aad only,
    /// every box has its own nonce (past the 256 of one refill), a box is appended after what
    /// `out` holds, and its digests equal `KeyedHMAC.mac`.
    func testBulkSealerBoxesOpenWithAESGCMAndNeverShareANonce() throws {
        let key = (0..<32).map { UInt8($0) }
        let digestKey = KeyedHMAC(key: Array(repeating: 5, count: 32))
        let sealer = try BulkSealer(key: key, digest: digestKey)
        let gcm = try AESGCM(key: key)
        var nonces = Set<[UInt8]>()
        for i in 0..<600 {
            let plain = Array("证件号 \(i)".utf8) + (i % 7 == 0 ? [] : Array(repeating: UInt8(i & 0xFF), count: i % 40))
            let aad = Array("case-\(i)".utf8)
            var out: [UInt8] = [1, 2, 3]
            try plain.withUnsafeBytes { p in try aad.withUnsafeBytes { a in try sealer.seal(p, aad: a, into: &out) } }
            XCTAssertEqual(Array(out.prefix(3)), [1, 2, 3])
            let box = Array(out.dropFirst(3))
            XCTAssertEqual(box.count, AESGCM.nonceSize + plain.count + AESGCM.tagSize)
            XCTAssertEqual(gcm.open(box, aad: aad), plain)
            XCTAssertNil(gcm.open(box, aad: Array("case-\(i + 1)".utf8)))
            var flipped = box
            flipped[flipped.count - 1] ^= 1
            XCTAssertNil(gcm.open(flipped, aad: aad))
            XCTAssertTrue(nonces.insert(Array(box.prefix(AESGCM.nonceSize))).inserted, "nonce reused at box \(i)")
        }
        for message in ["", "110101199003078888", String(repeating: "长", count: 50)] {
            var digest: [UInt8] = []
            Array(message.utf8).withUnsafeBytes { sealer.digest($0, length: 16, into: &digest) }
            XCTAssertEqual(digest, Array(digestKey.mac(Array(message.utf8)).prefix(16)))
        }
        XCTAssertThrowsError(try BulkSealer(key: Array(repeating: 1, count: 16), digest: digestKey))
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
