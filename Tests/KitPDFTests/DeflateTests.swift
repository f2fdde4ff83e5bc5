import XCTest
import KitPDF

final class DeflateTests: XCTestCase {
    func testRoundTrip() throws {
        let input = Array(String(repeating: "医疗质量 quality 0123456789\n", count: 500).utf8)
        let compressed = FlateCodec.compress(input)
        XCTAssertLessThan(compressed.count, input.count / 10)
        XCTAssertEqual(compressed.first, 0x78, "zlib header")
        XCTAssertEqual(try FlateCodec.decompress(compressed), input)
        XCTAssertEqual(try FlateCodec.decompress(FlateCodec.compress([])), [])
        XCTAssertEqual(FlateCodec.compress(input), FlateCodec.compress(input))
    }

    func testCorruptInputThrows() {
        XCTAssertThrowsError(try FlateCodec.decompress([0x78, 0x9C, 0xFF, 0xFF, 0x00]))
        XCTAssertThrowsError(try FlateCodec.decompress(Array(FlateCodec.compress(Array("abc".utf8)).dropLast(3))))
    }
}
