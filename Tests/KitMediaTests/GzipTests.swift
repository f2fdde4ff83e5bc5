import Foundation
import XCTest
@testable import KitMedia

final class GzipTests: XCTestCase {
    func testRoundTripVariousSizes() {
        let rng = SeededRandom(seed: 5)
        let text = Array(String(repeating: "医疗质量报告 quality report 2024;", count: 5000).utf8)
        for input in [[], [0x41], rng.bytes(1000), text, rng.bytes(3 * 1024 * 1024)] as [[UInt8]] {
            let gz = Gzip.compress(input)
            XCTAssertEqual(Array(gz.prefix(3)), [0x1F, 0x8B, 0x08], "gzip magic + deflate")
            XCTAssertEqual(Gzip.decompress(gz), input)
        }
        XCTAssertLessThan(Gzip.compress(text).count, text.count / 20)
    }

    func testLevels() {
        let data = Array(String(repeating: "abcdefgh", count: 10_000).utf8)
        for level: Int32 in [-1, 0, 1, 9, 42, -7] {
            XCTAssertEqual(Gzip.decompress(Gzip.compress(data, level: level)), data, "level \(level)")
        }
        XCTAssertGreaterThan(Gzip.compress(data, level: 0).count, data.count)  // stored blocks
    }

    func testRejectsBadInput() {
        let gz = Gzip.compress(Array("hello, world".utf8))
        XCTAssertNil(Gzip.decompress([]))
        XCTAssertNil(Gzip.decompress(Array("not gzip at all, just text".utf8)))
        XCTAssertNil(Gzip.decompress(Array(gz.prefix(gz.count - 1))), "truncated trailer")
        XCTAssertNil(Gzip.decompress(Array(gz.prefix(gz.count / 2))), "truncated stream")
        var badCRC = gz
        badCRC[gz.count - 8] ^= 0xFF
        XCTAssertNil(Gzip.decompress(badCRC), "CRC mismatch")
        var badLength = gz
        badLength[gz.count - 1] ^= 0x01
        XCTAssertNil(Gzip.decompress(badLength), "ISIZE mismatch")
        XCTAssertNil(Gzip.decompress(gz + [0x00, 0x01, 0x02]), "trailing garbage")
        // zlib format is not gzip.
        XCTAssertNil(Gzip.decompress(ZlibStream.deflate(Array("hello".utf8), level: 6, windowBits: 15)!))
    }

    func testConcatenatedMembers() {
        let a = Array("first member, ".utf8), b = Array("second member".utf8)
        XCTAssertEqual(Gzip.decompress(Gzip.compress(a) + Gzip.compress(b)), a + b)
    }

    func testOutputLimit() {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let gz = Gzip.compress(zeros, level: 9)
        XCTAssertLessThan(gz.count, 2048)
        XCTAssertNil(Gzip.decompress(gz, maxOutputBytes: 100_000))
        XCTAssertEqual(Gzip.decompress(gz, maxOutputBytes: 1 << 20)?.count, 1 << 20)
    }

    func testInteropWithPython() throws {
        let python = try TestSupport.python()
        let dir = try TestSupport.tempDirectory()
        let rng = SeededRandom(seed: 11)
        let payload = rng.bytes(50_000) + Array(String(repeating: "营业执照 ", count: 2000).utf8)
        let ours = dir.appendingPathComponent("ours.gz"), raw = dir.appendingPathComponent("raw.bin")
        let theirs = dir.appendingPathComponent("theirs.gz")
        try TestSupport.write(Gzip.compress(payload), to: ours)
        try TestSupport.write(payload, to: raw)
        let script = """
        import gzip, sys
        ours, raw, theirs = sys.argv[1:4]
        assert gzip.decompress(open(ours, 'rb').read()) == open(raw, 'rb').read(), 'python cannot read ours'
        open(theirs, 'wb').write(gzip.compress(open(raw, 'rb').read(), compresslevel=9))
        print('ok')
        """
        let result = try TestSupport.run(python, ["-c", script, ours.path, raw.path, theirs.path])
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "ok", result.stderr)
        XCTAssertEqual(Gzip.decompress([UInt8](try Data(contentsOf: theirs))), payload)
    }

    func testInteropWithGzipTool() throws {
        guard let gzip = TestSupport.which("gzip") else { throw XCTSkip("gzip(1) is not installed") }
        let dir = try TestSupport.tempDirectory()
        let payload = Array(String(repeating: "line of a report\n", count: 3000).utf8)
        let file = dir.appendingPathComponent("x.gz")
        try TestSupport.write(Gzip.compress(payload), to: file)
        let test = try TestSupport.run(gzip, ["-t", file.path])
        XCTAssertEqual(test.status, 0, test.stderr)
        let out = try TestSupport.run(gzip, ["-dc", file.path])
        XCTAssertEqual(out.stdoutBytes, payload)
    }
}
