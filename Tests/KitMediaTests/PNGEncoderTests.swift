import Foundation
import XCTest
@testable import KitMedia

final class PNGEncoderTests: XCTestCase {
    func testKnownPixelsRoundTrip() throws {
        // 3 × 2: red, green, blue / white, black, grey.
        let pixels: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128]
        let png = PNGEncoder.encodeRGB(width: 3, height: 2, pixels: pixels)
        let chunks = try XCTUnwrap(TestSupport.pngChunks(png))
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "IDAT", "IEND"])
        XCTAssertTrue(chunks.allSatisfy(\.crcOK))
        XCTAssertEqual(chunks[0].data, [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        XCTAssertEqual(chunks[2].data, [])
        XCTAssertEqual(Array(png.suffix(4)), [0xAE, 0x42, 0x60, 0x82])
        let raw = try XCTUnwrap(ZlibStream.inflate(chunks[1].data, windowBits: 15))
        XCTAssertEqual(raw, [0] + pixels[0..<9] + [0] + pixels[9..<18])
    }

    func testCRCsMatchZlib() {
        let data = Array("IEND".utf8)
        XCTAssertEqual(PNGEncoder.crc32(data), 0xAE42_6082)
        XCTAssertEqual(PNGEncoder.crc32(Array("123456789".utf8)), 0xCBF4_3926)  // CRC-32 check value
        XCTAssertEqual(PNGEncoder.crc32(Array("123456789".utf8)), TestSupport.crc32(Array("123456789".utf8)))
    }

    func testLargeImageIsAcceptedBySnifferAndPython() throws {
        let rng = SeededRandom(seed: 9)
        let width = 300, height = 200
        let pixels = rng.bytes(width * height * 3)
        let png = PNGEncoder.encodeRGB(width: width, height: height, pixels: pixels)
        XCTAssertEqual(try FileSniffer.detect(png), .png)
        let python = try TestSupport.python()
        let dir = try TestSupport.tempDirectory()
        let url = dir.appendingPathComponent("noise.png")
        try TestSupport.write(png, to: url)
        let result = try TestSupport.run(python, [TestSupport.fixtures.appendingPathComponent("check_png.py").path, url.path])
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(result.stdout.contains("\"width\": 300, \"height\": 200"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\"crc_ok\": true"), result.stdout)
    }
}
