import XCTest
@testable import KitCrypto

final class HMACTests: XCTestCase {
    // RFC 4231 §4.2: test case 1.
    func testRFC4231Case1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        XCTAssertEqual(Hex.encode(HMACSHA256.mac(key: key, message: "Hi There")),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    // RFC 4231 §4.3: test case 2 (key shorter than the output).
    func testRFC4231Case2() {
        XCTAssertEqual(Hex.encode(HMACSHA256.mac(key: Array("Jefe".utf8), message: "what do ya want for nothing?")),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)),
                       HMACSHA256.mac(key: Array("Jefe".utf8), message: "what do ya want for nothing?"))
    }

    // RFC 4231 §4.7: test case 6 (key larger than the block size).
    func testRFC4231Case6() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        XCTAssertEqual(Hex.encode(HMACSHA256.mac(key: key, message: "Test Using Larger Than Block-Size Key - Hash Key First")),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testEmptyKeyAndMessage() {
        XCTAssertEqual(Hex.encode(HMACSHA256.mac(key: [], message: [])),
                       "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(constantTimeEquals([], []))
        XCTAssertTrue(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2]))
        XCTAssertFalse(constantTimeEquals([], [0]))
        let mac = HMACSHA256.mac(key: [1], message: "x")
        var tampered = mac
        tampered[31] ^= 0x01
        XCTAssertTrue(constantTimeEquals(mac, HMACSHA256.mac(key: [1], message: "x")))
        XCTAssertFalse(constantTimeEquals(mac, tampered))
    }
}
