import XCTest
@testable import KitHTTP

final class ChunkedDecoderTests: XCTestCase {
    func decode(_ parts: [String], limit: Int = 1 << 20) -> (ChunkedDecoder.Outcome, [UInt8], Int) {
        var d = ChunkedDecoder()
        var body: [UInt8] = []
        var total = 0
        var last = ChunkedDecoder.Outcome.needMore
        for p in parts {
            let bytes = Array(p.utf8)
            var consumed = 0
            last = bytes.withUnsafeBufferPointer { d.decode($0, consumed: &consumed, body: &body, limit: limit) }
            total += consumed
            if case .failure = last { break }
        }
        return (last, body, total)
    }

    func testWholeBody() {
        let (o, body, consumed) = decode(["4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\nNEXT"])
        guard case .done = o else { return XCTFail() }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "Wikipedia")
        XCTAssertEqual(consumed, "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n".utf8.count) // pipelined bytes untouched
    }

    func testByteByByte() {
        let s = "a\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"
        let (o, body, _) = decode(s.map { String($0) })
        guard case .done = o else { return XCTFail() }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "0123456789")
    }

    func testMalformed() {
        for bad in ["zz\r\n", "4\r\nWikiXX", "\r\n", "4\r\nWiki\r\n-1\r\n", "ffffffffffffffffff\r\n"] {
            guard case .failure = decode([bad]).0 else { return XCTFail(bad) }
        }
    }

    func testLimit() {
        guard case .failure(let e) = decode(["10\r\n0123456789abcdef\r\n0\r\n\r\n"], limit: 8).0 else { return XCTFail() }
        XCTAssertEqual(e.status, 413)
    }
}
