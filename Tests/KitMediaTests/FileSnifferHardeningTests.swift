import Foundation
import XCTest
@testable import KitMedia

/// "No input kills a process": hostile numbers give a thrown error, never a trap; decompression bombs and
/// PDF polyglots are refused. Inputs kept by the fuzzer live in Tests/Fuzz/crashers/FileSniffer/ and are
/// replayed here too.
final class FileSnifferHardeningTests: XCTestCase {
    private func malformedReason(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let kind = try FileSniffer.detect(bytes)
            XCTFail("accepted as \(kind)", file: file, line: line)
        } catch FileSniffError.malformed(_, let why) {
            return why
        } catch FileSniffError.tooManyPixels(let kind, let width, let height) {
            // Reported in the same words the malformed reasons use for the pixel limit.
            return "\(kind) of \(width)x\(height) pixels exceeds \(FileSniffer.maxImagePixels) pixels"
        } catch {
            XCTFail("expected malformed, got \(error)", file: file, line: line)
        }
        return nil
    }

    private func polyglotReason(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let kind = try FileSniffer.detect(bytes)
            XCTFail("accepted as \(kind)", file: file, line: line)
        } catch FileSniffError.polyglot(let why) {
            return why
        } catch {
            XCTFail("expected polyglot, got \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: - Arithmetic on hostile numbers

    /// The upload that killed the documents service: 19 nines overflowed `value * 10 + digit`.
    func testStartxrefOfNineteenNinesIsAnErrorNotATrap() throws {
        let pdf = Array("%PDF-1.4\nstartxref\n\(String(repeating: "9", count: 19))\n%%EOF\n".utf8)
        XCTAssertEqual(malformedReason(pdf), "startxref offset beyond the end of the file")
        for digits in [18, 19, 20, 40, 400] {
            let bytes = Array("%PDF-1.7\r\nstartxref\r\n\(String(repeating: "9", count: digits))\r\n%%EOF\r\n".utf8)
            XCTAssertNotNil(malformedReason(bytes), "\(digits) digits")
        }
        // Int.max exactly, and one past it.
        XCTAssertNotNil(malformedReason(Array("%PDF-1.4\nstartxref\n9223372036854775807\n%%EOF".utf8)))
        XCTAssertNotNil(malformedReason(Array("%PDF-1.4\nstartxref\n9223372036854775808\n%%EOF".utf8)))
        // Through the file reader too.
        let dir = try TestSupport.tempDirectory()
        let url = dir.appendingPathComponent("nines.pdf")
        try TestSupport.write(pdf, to: url)
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: url.path))
    }

    func testKeptFuzzCrashersAreErrors() throws {
        let dir = TestSupport.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/crashers/FileSniffer")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            XCTAssertThrowsError(try FileSniffer.detect(bytes), name)
            XCTAssertThrowsError(try FileSniffer.detect(fileAt: dir.appendingPathComponent(name).path), name)
        }
    }

    // MARK: - Decompression bombs

    func testPixelLimitCoversAnA4ScanAt600DPI() {
        XCTAssertGreaterThanOrEqual(FileSniffer.maxImagePixels, 4961 * 7016)
        XCTAssertLessThanOrEqual(FileSniffer.maxImagePixels, 50_000_000)
    }

    /// scan.jpg with its frame header's height and width replaced.
    private func jpeg(width: Int, height: Int) throws -> [UInt8] {
        var bytes = try TestSupport.sample("scan.jpg")
        var i = 2
        while i + 9 < bytes.count {
            precondition(bytes[i] == 0xFF)
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                bytes[i + 5] = UInt8(height >> 8); bytes[i + 6] = UInt8(height & 0xFF)
                bytes[i + 7] = UInt8(width >> 8); bytes[i + 8] = UInt8(width & 0xFF)
                return bytes
            }
            i += 2 + length
        }
        throw XCTSkip("no SOF in scan.jpg")
    }

    func testJPEGBombsAreRefused() throws {
        let bomb = try jpeg(width: 60_000, height: 60_000)
        XCTAssertEqual(malformedReason(bomb)?.contains("exceeds"), true)
        XCTAssertNotNil(malformedReason(try jpeg(width: 65_535, height: 800)))
        // Height 0 ("defined by a DNL marker later") cannot be bounded before decoding.
        XCTAssertEqual(malformedReason(try jpeg(width: 100, height: 0)), "bad frame dimensions")
        // A real A4 scan at 600 dpi passes.
        XCTAssertEqual(try FileSniffer.detect(try jpeg(width: 4961, height: 7016)), .jpeg)
    }

    /// red.png with another IHDR size (CRC recomputed).
    private func png(width: UInt32, height: UInt32) throws -> [UInt8] {
        var bytes = try TestSupport.sample("red.png")
        bytes.replaceSubrange(16..<24, with: TestSupport.be32Bytes(width) + TestSupport.be32Bytes(height))
        bytes.replaceSubrange(29..<33, with: TestSupport.be32Bytes(TestSupport.crc32(bytes[12..<29])))
        return bytes
    }

    func testPNGBombsAreRefused() throws {
        XCTAssertEqual(malformedReason(try png(width: 50_000, height: 50_000))?.contains("exceeds"), true)
        XCTAssertNotNil(malformedReason(try png(width: 10_000, height: 5_001)))
        XCTAssertEqual(try FileSniffer.detect(try png(width: 7016, height: 4961)), .png)
    }

    func testGIFBombsAreRefused() throws {
        let gif = try TestSupport.sample("red.gif")
        // Logical screen 65535 × 65535.
        var screen = gif
        screen.replaceSubrange(6..<10, with: [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(malformedReason(screen)?.contains("exceeds"), true)
        // A small screen with one huge frame.
        var frame = gif
        guard let descriptor = frame.firstIndex(of: 0x2C) else { return XCTFail("no image descriptor") }
        frame.replaceSubrange((descriptor + 5)..<(descriptor + 9), with: [0x60, 0xEA, 0x60, 0xEA])  // 60000 × 60000
        XCTAssertEqual(malformedReason(frame)?.contains("exceeds"), true)
    }

    func testBMPBombsAreRefused() throws {
        // A 40-byte-DIB BMP header declaring 60000 × 60000 at 8 bits, RLE8 compressed (so the uncompressed-size
        // rule does not apply): only the pixel limit refuses it.
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let palette = [UInt8](repeating: 0, count: 1024)
        let pixels: [UInt8] = [0, 1]  // end of bitmap
        let offset = 14 + 40 + palette.count
        let size = offset + pixels.count
        func bmp(_ width: Int, _ height: Int) -> [UInt8] {
            Array("BM".utf8) + le32(size) + le32(0) + le32(offset)
                + le32(40) + le32(width) + le32(height) + le16(1) + le16(8) + le32(1) + le32(pixels.count)
                + le32(2835) + le32(2835) + le32(256) + le32(0) + palette + pixels
        }
        XCTAssertEqual(malformedReason(bmp(60_000, 60_000))?.contains("exceeds"), true)
        XCTAssertEqual(malformedReason(bmp(60_000, -60_000))?.contains("exceeds"), true, "top-down")
        XCTAssertEqual(try FileSniffer.detect(bmp(4961, 7016)), .bmp)
    }

    // MARK: - PDF polyglots

    func testPDFWithZIPAppendedAfterEOFIsAPolyglot() throws {
        let pdf = try TestSupport.sample("hello.pdf")
        let zip = try TestSupport.sample("archive.zip")
        XCTAssertNotNil(polyglotReason(pdf + zip))
        // Behind padding, or behind a fake trailing %%EOF inside the first 1024 bytes of the tail.
        XCTAssertNotNil(polyglotReason(pdf + [0x0A] + zip + [0x0A]))
        XCTAssertNotNil(polyglotReason(pdf + Array("<html><script>alert(1)</script>".utf8)))
        XCTAssertNotNil(polyglotReason(pdf + Array("x".utf8)))
    }

    func testPDFHidingAZIPBeforeItsTrailerIsAPolyglot() throws {
        // The classic: the archive sits in the PDF body, its end-of-central-directory record near the end of the
        // file (the ZIP comment can swallow the PDF trailer), and the PDF still ends in startxref/%%EOF.
        let pdf = try TestSupport.sample("hello.pdf")
        let zip = try TestSupport.sample("archive.zip")
        let text = String(decoding: pdf, as: UTF8.self)
        let trailer = text.range(of: "trailer")!.lowerBound
        let head = Array(text[..<trailer].utf8), tail = Array(text[trailer...].utf8)
        let stream = Array("9 0 obj\n<< /Length \(zip.count) >>\nstream\n".utf8) + zip + Array("\nendstream\nendobj\n".utf8)
        XCTAssertEqual(polyglotReason(head + stream + tail), "embedded ZIP archive")
        // Only a local header, or only a central directory, is no archive.
        let lone = Array("9 0 obj\n<< /Length 6 >>\nstream\nPK\u{3}\u{4}ab\nendstream\nendobj\n".utf8)
        XCTAssertEqual(try FileSniffer.detect(head + lone + tail), .pdf)
    }

    func testRealPDFsStayAccepted() throws {
        for name in ["hello.pdf", "hello-crlf-compressed.pdf", "hello-2.0.pdf"] {
            let pdf = try TestSupport.sample(name)
            XCTAssertEqual(try FileSniffer.detect(pdf), .pdf, name)
            // Trailing PDF white space (NUL, TAB, LF, FF, CR, SP) after %%EOF is fine.
            XCTAssertEqual(try FileSniffer.detect(pdf + [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20]), .pdf, name)
        }
        // An incremental update: a second body, xref and trailer with their own %%EOF after the first.
        let pdf = try TestSupport.sample("hello.pdf")
        let update = "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\nxref\n0 1\n0000000000 65535 f \n"
            + "trailer\n<< /Size 6 /Root 1 0 R /Prev 403 >>\nstartxref\n\(pdf.count)\n%%EOF\n"
        XCTAssertEqual(try FileSniffer.detect(pdf + Array(update.utf8)), .pdf)
        // A PDF written by poppler (pdfunite), when it is installed.
        if let pdfunite = TestSupport.which("pdfunite") {
            let dir = try TestSupport.tempDirectory()
            let out = dir.appendingPathComponent("united.pdf").path
            let r = try TestSupport.run(pdfunite, [TestSupport.samplePath("hello.pdf"),
                                                   TestSupport.samplePath("hello-crlf-compressed.pdf"), out])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try FileSniffer.detect(fileAt: out), .pdf)
        }
    }
}
