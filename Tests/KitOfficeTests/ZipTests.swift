import Foundation
import XCTest
@testable import KitOffice

/// Byte surgery on archives our writer made.
enum ZipPatch {
    static func find(_ sig: UInt32, in bytes: [UInt8], from: Int = 0) -> Int? {
        var i = from
        while i + 4 <= bytes.count {
            if UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24 == sig { return i }
            i += 1
        }
        return nil
    }
    static func put16(_ bytes: inout [UInt8], _ at: Int, _ v: UInt16) { bytes[at] = UInt8(v & 0xFF); bytes[at + 1] = UInt8(v >> 8) }
    static func put32(_ bytes: inout [UInt8], _ at: Int, _ v: UInt32) {
        for k in 0..<4 { bytes[at + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) }
    }
    static func central(_ bytes: [UInt8]) -> Int { find(0x0201_4B50, in: bytes)! }
    static func eocd(_ bytes: [UInt8]) -> Int { find(0x0605_4B50, in: bytes)! }
}

final class ZipTests: XCTestCase {
    private func archive(_ files: [(String, [UInt8])], deflate: Bool = true) -> [UInt8] {
        var w = ZipWriter()
        for (name, content) in files { try! w.add(name, content, deflate: deflate) }
        return try! w.finish()
    }

    private func assertRefused(_ bytes: [UInt8], limits: ZipLimits = ZipLimits(), read name: String? = nil,
                               _ expected: OfficeError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try {
            let z = try ZipArchive(bytes: bytes, limits: limits)
            if let name { _ = try z.read(name) }
        }(), file: file, line: line) { error in
            XCTAssertEqual(error as? OfficeError, expected, file: file, line: line)
        }
    }

    func testRoundTripStoredAndDeflated() throws {
        let text = Array(String(repeating: "<row>医院 hospital</row>", count: 2000).utf8)
        for deflate in [true, false] {
            let bytes = archive([("a.xml", text), ("dir/b.bin", [1, 2, 3]), ("empty", [])], deflate: deflate)
            let z = try ZipArchive(bytes: bytes)
            XCTAssertEqual(z.names, ["a.xml", "dir/b.bin", "empty"])
            XCTAssertEqual(try z.read("a.xml"), text)
            XCTAssertEqual(try z.read("A.XML"), text, "OPC part names compare case-insensitively")
            XCTAssertEqual(try z.read("dir/b.bin"), [1, 2, 3])
            XCTAssertEqual(try z.read("empty"), [])
            XCTAssertNil(try z.read("missing"))
            XCTAssertEqual(z.entry("a.xml")?.method, deflate ? 8 : 0)
        }
        // The writer's output is also a zip for the system's unzip (when present): checked in the peer tests.
    }

    func testReadsCentralDirectoryNotLocalSizes() throws {
        // As with data descriptors (LibreOffice): the local header's CRC and sizes are zero, bit 3 set.
        var bytes = archive([("x.xml", Array(String(repeating: "abc", count: 500).utf8))])
        ZipPatch.put16(&bytes, 6, 0x0808)
        ZipPatch.put32(&bytes, 14, 0); ZipPatch.put32(&bytes, 18, 0); ZipPatch.put32(&bytes, 22, 0)
        XCTAssertEqual(try ZipArchive(bytes: bytes).read("x.xml"), Array(String(repeating: "abc", count: 500).utf8))
    }

    func testRefusesUnsafeNames() {
        for name in ["../evil.xml", "a/../../b", "/etc/passwd", "a\\b.xml", "C:/x", "a//b", "./a", "bad\u{1}name"] {
            assertRefused(archive([(name, [1])]), .zipUnsafeName(name))
        }
        XCTAssertTrue(ZipArchive.isSafe("xl/worksheets/sheet1.xml"))
        XCTAssertTrue(ZipArchive.isSafe("xl/media/"))
    }

    func testRefusesDuplicates() {
        assertRefused(archive([("a.xml", [1]), ("a.xml", [2])]), .zipDuplicateName("a.xml"))
        assertRefused(archive([("xl/A.xml", [1]), ("xl/a.xml", [2])]), .zipDuplicateName("xl/a.xml"))
    }

    func testRefusesEncryptedEntries() {
        var bytes = archive([("secret.xml", [1, 2, 3])])
        ZipPatch.put16(&bytes, ZipPatch.central(bytes) + 8, 0x0801)
        assertRefused(bytes, .zipEncrypted("secret.xml"))
        var aes = archive([("aes.xml", [1, 2, 3])])
        ZipPatch.put16(&aes, ZipPatch.central(aes) + 10, 99)
        assertRefused(aes, .zipEncrypted("aes.xml"))
    }

    func testRefusesZip64AndUnsupported() {
        var bytes = archive([("a", [1])])
        let e = ZipPatch.eocd(bytes)
        ZipPatch.put16(&bytes, e + 8, 0xFFFF); ZipPatch.put16(&bytes, e + 10, 0xFFFF)
        assertRefused(bytes, .zip64Unsupported)
        var big = archive([("a", [1])])
        ZipPatch.put32(&big, ZipPatch.central(big) + 24, 0xFFFF_FFFF)
        assertRefused(big, .zip64Unsupported)
        var bzip = archive([("a", [1])])
        ZipPatch.put16(&bzip, ZipPatch.central(bzip) + 10, 12)
        assertRefused(bzip, .zipUnsupportedMethod(12))
    }

    func testRefusesTooManyEntries() {
        let bytes = archive((0..<5).map { ("f\($0)", [UInt8($0)]) })
        assertRefused(bytes, limits: ZipLimits(maxEntries: 4), .zipTooManyEntries(limit: 4))
        XCTAssertNoThrow(try ZipArchive(bytes: bytes, limits: ZipLimits(maxEntries: 5)))
    }

    func testBombCaps() throws {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)   // deflates ~1000:1
        let bytes = archive([("sheet.xml", zeros)])
        assertRefused(bytes, .zipBomb("sheet.xml"))                                   // ratio > 200
        XCTAssertEqual(try ZipArchive(bytes: bytes, limits: ZipLimits(maxRatio: 2000)).read("sheet.xml")?.count, 4 << 20)
        // Total inflated size over all entries.
        let two = archive([("a", [UInt8](repeating: 7, count: 600_000)), ("b", [UInt8](repeating: 7, count: 600_000))])
        assertRefused(two, limits: ZipLimits(maxTotalBytes: 1_000_000), .zipBomb("b"))
        XCTAssertNoThrow(try ZipArchive(bytes: two, limits: ZipLimits(maxTotalBytes: 1_200_000)))
    }

    func testLyingSizesRefusedWithBoundedOutput() {
        // The central directory claims 10 bytes; the stream inflates to far more: stopped at 10 (+1).
        var bytes = archive([("a", [UInt8](repeating: 1, count: 100_000))])
        ZipPatch.put32(&bytes, ZipPatch.central(bytes) + 24, 10)
        assertRefused(bytes, read: "a", .zipBomb("a"))
        var short = archive([("a", [UInt8](repeating: 1, count: 1000))])
        ZipPatch.put32(&short, ZipPatch.central(short) + 24, 5000)
        assertRefused(short, read: "a", .zipCorrupt("解压失败"))
    }

    func testWriterRefusesWhatClassicZipCannotHold() throws {
        var names = ZipWriter()
        XCTAssertThrowsError(try names.add(String(repeating: "n", count: 70_000), [])) { XCTAssertEqual($0 as? OfficeError, .zip64Unsupported) }
        var w = ZipWriter()
        for k in 0..<0xFFFE { try w.add("f\(k)", [], deflate: false) }
        XCTAssertThrowsError(try w.add("one-too-many", [], deflate: false)) { XCTAssertEqual($0 as? OfficeError, .zip64Unsupported) }
        XCTAssertEqual(try ZipArchive(bytes: try w.finish(), limits: ZipLimits(maxEntries: 0xFFFE)).entries.count, 0xFFFE)
    }

    func testCRCChecked() {
        var bytes = archive([("a.xml", Array("hello".utf8))])
        ZipPatch.put32(&bytes, ZipPatch.central(bytes) + 16, 0xDEAD_BEEF)
        assertRefused(bytes, read: "a.xml", .zipCRCMismatch("a.xml"))
    }

    func testTruncatedAndGarbage() {
        let bytes = archive([("a.xml", Array(String(repeating: "x", count: 300).utf8))])
        for cut in [0, 10, 21, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try ZipArchive(bytes: Array(bytes.prefix(cut))).read("a.xml"), "cut \(cut)")
        }
        var offset = bytes
        ZipPatch.put32(&offset, ZipPatch.central(offset) + 42, 0x7FFF_0000)
        assertRefused(offset, read: "a.xml", .zipCorrupt("越界"))
    }
}
