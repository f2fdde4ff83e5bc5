import Foundation
import XCTest
@testable import KitMedia

final class FileSnifferTests: XCTestCase {
    private func assertThrows(_ bytes: [UInt8], _ expected: FileSniffError, _ message: String = "",
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try FileSniffer.detect(bytes), message, file: file, line: line) { error in
            XCTAssertEqual(error as? FileSniffError, expected, message, file: file, line: line)
        }
    }

    private func assertMalformed(_ bytes: [UInt8], _ kind: FileKind, _ message: String = "",
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try FileSniffer.detect(bytes), message, file: file, line: line) { error in
            guard case .malformed(let k, _)? = error as? FileSniffError else {
                return XCTFail("expected malformed(\(kind)), got \(error) \(message)", file: file, line: line)
            }
            XCTAssertEqual(k, kind, message, file: file, line: line)
        }
    }

    private func assertPolyglot(_ bytes: [UInt8], containing reason: String, _ message: String = "",
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try FileSniffer.detect(bytes), message, file: file, line: line) { error in
            guard case .polyglot(let why)? = error as? FileSniffError else {
                return XCTFail("expected polyglot, got \(error) \(message)", file: file, line: line)
            }
            XCTAssertTrue(why.contains(reason), "\(why) \(message)", file: file, line: line)
        }
    }

    static let genuine: [(String, FileKind)] = [
        ("red.png", .png), ("scan.png", .png), ("scan-interlaced.png", .png),
        ("red.jpg", .jpeg), ("scan.jpg", .jpeg), ("scan-progressive.jpg", .jpeg),
        ("red.gif", .gif), ("scan.gif", .gif), ("animated.gif", .gif),
        ("red.bmp", .bmp), ("red-v3.bmp", .bmp), ("red-v2.bmp", .bmp), ("scan.bmp", .bmp),
        ("hello.pdf", .pdf), ("hello-crlf-compressed.pdf", .pdf), ("hello-2.0.pdf", .pdf),
    ]

    // MARK: - Genuine files

    func testGenuineFilesFromImageMagickAndPython() throws {
        for (name, kind) in Self.genuine {
            XCTAssertEqual(try FileSniffer.detect(TestSupport.sample(name)), kind, name)
            XCTAssertEqual(try FileSniffer.detect(fileAt: TestSupport.samplePath(name)), kind, name)
        }
    }

    func testKindMetadata() {
        XCTAssertEqual(FileKind.allCases.map(\.mimeType),
                       ["application/pdf", "image/jpeg", "image/png", "image/gif", "image/bmp"])
        XCTAssertEqual(FileKind.allCases.map(\.fileExtension), ["pdf", "jpg", "png", "gif", "bmp"])
        XCTAssertEqual(FileKind(rawValue: "jpeg"), .jpeg)
    }

    func testLargerFilesMadeByImageMagickAtTestTime() throws {
        guard let convert = TestSupport.imageMagick("convert") else {
            throw XCTSkip("ImageMagick is not installed (apt-get install imagemagick)")
        }
        let dir = try TestSupport.tempDirectory()
        let source = dir.appendingPathComponent("photo.png").path
        let made = try TestSupport.run(convert, ["-seed", "4", "-size", "800x600", "plasma:", source])
        XCTAssertEqual(made.status, 0, made.stderr)
        let outputs: [(String, [String], FileKind)] = [
            ("photo.jpg", ["-quality", "92"], .jpeg),
            ("photo-prog.jpg", ["-interlace", "JPEG", "-quality", "80"], .jpeg),
            ("photo.gif", [], .gif),
            ("photo.bmp", [], .bmp),
            ("photo-v3.bmp", [], .bmp),
            ("photo-rgba.png", ["-alpha", "set"], .png),
            ("photo-gray.png", ["-colorspace", "Gray"], .png),
        ]
        XCTAssertEqual(try FileSniffer.detect(fileAt: source), .png)
        for (name, options, kind) in outputs {
            let target = dir.appendingPathComponent(name).path
            let prefix = name.hasSuffix("-v3.bmp") ? "BMP3:" : ""
            let r = try TestSupport.run(convert, [source] + options + [prefix + target])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try FileSniffer.detect(fileAt: target), kind, name)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: target)))
            XCTAssertEqual(try FileSniffer.detect(bytes), kind, name)
            // Cut in half: always refused.
            XCTAssertThrowsError(try FileSniffer.detect(Array(bytes.prefix(bytes.count / 2))), name)
        }
    }

    func testPDFMadeByPythonAtTestTime() throws {
        let python = try TestSupport.python()
        let dir = try TestSupport.tempDirectory()
        for (i, args) in [["--version", "1.7"], ["--version", "1.0", "--crlf"], ["--version", "2.0", "--compress"]].enumerated() {
            let out = dir.appendingPathComponent("\(i).pdf").path
            let r = try TestSupport.run(python, [TestSupport.fixtures.appendingPathComponent("make_pdf.py").path, out] + args)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try FileSniffer.detect(fileAt: out), .pdf)
        }
    }

    // MARK: - Refused files

    func testEmptyAndTiny() throws {
        assertThrows([], .empty)
        let dir = try TestSupport.tempDirectory()
        let empty = dir.appendingPathComponent("empty.pdf")
        try TestSupport.write([], to: empty)
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: empty.path)) { XCTAssertEqual($0 as? FileSniffError, .empty) }
        assertThrows([0x89], .unknownType)
        assertThrows([0x89, 0x50, 0x4E], .truncated(.png))
        assertThrows(Array("GIF8".utf8), .truncated(.gif))
        assertThrows(Array("%PDF".utf8), .truncated(.pdf))
        assertThrows(Array("%PDF-1.".utf8), .truncated(.pdf))
        assertThrows([0xFF, 0xD8], .truncated(.jpeg))
        assertThrows(Array("BM".utf8), .truncated(.bmp))
    }

    func testTruncatedHalfOfEachType() throws {
        let cases: [(String, FileKind)] = [
            ("scan.png", .png), ("scan.jpg", .jpeg), ("scan-progressive.jpg", .jpeg), ("scan.gif", .gif),
            ("scan.bmp", .bmp), ("hello.pdf", .pdf), ("red.png", .png), ("red.jpg", .jpeg), ("red.gif", .gif),
        ]
        for (name, kind) in cases {
            let bytes = try TestSupport.sample(name)
            assertThrows(Array(bytes.prefix(bytes.count / 2)), .truncated(kind), name)
        }
    }

    func testUnknownTypes() throws {
        assertThrows(try TestSupport.sample("page.html"), .unknownType, "HTML")
        assertThrows(try TestSupport.sample("archive.zip"), .unknownType, "ZIP")
        assertThrows(Array("just some text that is long enough".utf8), .unknownType)
        assertThrows(Array("<?xml version=\"1.0\"?><svg/>".utf8), .unknownType)
        // A PDF header that does not start at offset 0.
        assertThrows(Array("\n".utf8) + (try TestSupport.sample("hello.pdf")), .unknownType)
    }

    func testJPEGNamedPDFIsAJPEG() throws {
        let jpeg = try TestSupport.sample("scan.jpg")
        XCTAssertEqual(try FileSniffer.detect(jpeg), .jpeg)
        let dir = try TestSupport.tempDirectory()
        let renamed = dir.appendingPathComponent("营业执照.pdf")
        try TestSupport.write(jpeg, to: renamed)
        XCTAssertEqual(try FileSniffer.detect(fileAt: renamed.path), .jpeg)
    }

    // MARK: PNG

    func testPNGBadIHDRCRC() throws {
        var png = try TestSupport.sample("red.png")
        png[29] ^= 0x01
        assertThrows(png, .malformed(.png, "IHDR CRC mismatch"))
    }

    func testPNGStructure() throws {
        let png = try TestSupport.sample("scan.png")
        let ihdr = Array(png[8..<33])
        let rest = Array(png[33...])
        // Implausible dimensions with a correct CRC.
        var huge = Array(ihdr[8..<21])
        huge[0...3] = [0, 1, 0, 0]  // 65536 wide
        assertMalformed(Array(png[0..<8]) + TestSupport.pngChunk("IHDR", huge) + rest, .png, "65536 wide")
        var zero = Array(ihdr[8..<21])
        zero[4...7] = [0, 0, 0, 0]
        assertMalformed(Array(png[0..<8]) + TestSupport.pngChunk("IHDR", zero) + rest, .png, "zero high")
        var depth = Array(ihdr[8..<21])
        depth[8] = 3  // bit depth 3 is not a PNG depth
        assertMalformed(Array(png[0..<8]) + TestSupport.pngChunk("IHDR", depth) + rest, .png, "bit depth 3")
        // First chunk is not IHDR.
        assertMalformed(Array(png[0..<8]) + TestSupport.pngChunk("tEXt", Array("a\0b".utf8)) + Array(png[8...]), .png)
        // Data after IEND; missing IEND; no IDAT.
        assertMalformed(png + [0x00, 0x01], .png, "after IEND")
        assertThrows(Array(png.dropLast(12)), .truncated(.png), "no IEND")
        let withoutData = Array(png[0..<33]) + TestSupport.pngChunk("IEND", [])
        assertMalformed(withoutData, .png, "no IDAT")
        // A chunk length that runs past the end.
        var longChunk = png
        longChunk[33] = 0x7F
        assertThrows(longChunk, .truncated(.png))
    }

    func testPNGWithPDFHeaderInFirst1024BytesIsAPolyglot() throws {
        let png = try TestSupport.sample("scan.png")
        let text = TestSupport.pngChunk("tEXt", Array("Comment\0%PDF-1.4\n1 0 obj << >> endobj".utf8))
        let polyglot = Array(png[0..<33]) + text + Array(png[33...])
        assertPolyglot(polyglot, containing: "PDF")
        // Further than 1024 bytes in, PDF readers no longer see it: accepted (documented limit).
        let late = Array(png.dropLast(12)) + text + Array(png.suffix(12))
        XCTAssertGreaterThan(png.count, 1100)
        XCTAssertEqual(try FileSniffer.detect(late), .png)
    }

    func testImagesCarryingZIPArchivesArePolyglots() throws {
        let zip = try TestSupport.sample("archive.zip")
        let png = try TestSupport.sample("scan.png")
        // ZIP appended after IEND (classic) and ZIP hidden in an ancillary chunk (structure stays valid).
        assertPolyglot(png + zip, containing: "ZIP")
        assertPolyglot(Array(png.dropLast(12)) + TestSupport.pngChunk("zIPp", zip) + Array(png.suffix(12)), containing: "ZIP")
        let jpeg = try TestSupport.sample("scan.jpg")
        assertPolyglot(jpeg + zip, containing: "ZIP")
        let gif = try TestSupport.sample("scan.gif")
        assertPolyglot(gif + zip, containing: "ZIP")
        // A lone "PK\3\4" (no central directory) is not enough: random pixel data can contain it.
        let lone = Array(png.dropLast(12)) + TestSupport.pngChunk("abCd", [0x50, 0x4B, 3, 4, 9, 9]) + Array(png.suffix(12))
        XCTAssertEqual(try FileSniffer.detect(lone), .png)
    }

    // MARK: JPEG

    private func jpegWithComment(_ comment: [UInt8], _ jpeg: [UInt8]) -> [UInt8] {
        let length = comment.count + 2
        return [0xFF, 0xD8, 0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + comment + Array(jpeg[2...])
    }

    func testJPEGStructure() throws {
        let jpeg = try TestSupport.sample("scan.jpg")
        XCTAssertEqual(try FileSniffer.detect(jpeg + [UInt8](repeating: 0, count: 300)), .jpeg, "zero padding")
        assertMalformed(jpeg + Array("trailing".utf8), .jpeg, "data after EOI")
        assertThrows(Array(jpeg.dropLast(2)), .truncated(.jpeg), "no EOI")
        assertMalformed([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01] + Array(jpeg[6...]), .jpeg, "segment length 1")
        assertMalformed([0xFF, 0xD8, 0xFF, 0xD9], .jpeg, "EOI right away")
        assertMalformed([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0x12, 0x34, 0xFF, 0xD9], .jpeg, "no marker")
        // SOS before any SOF.
        assertMalformed([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x01, 0x02, 0xFF, 0xD9], .jpeg, "scan without frame")
        XCTAssertEqual(try FileSniffer.detect(jpegWithComment(Array("Scanned by 扫描仪 <?xpacket?>".utf8), jpeg)), .jpeg)
    }

    func testJPEGWithScriptOrPHPIsAPolyglot() throws {
        let jpeg = try TestSupport.sample("scan.jpg")
        assertPolyglot(jpegWithComment(Array("<SCRIPT>alert(1)</SCRIPT>".utf8), jpeg), containing: "script")
        assertPolyglot(jpegWithComment(Array("<?php system($_GET['c']); ?>".utf8), jpeg), containing: "PHP")
        assertPolyglot(jpegWithComment(Array("<?PHP\necho 1;".utf8), jpeg), containing: "PHP")
        XCTAssertEqual(try FileSniffer.detect(jpegWithComment(Array("<?phpx".utf8), jpeg)), .jpeg)
        assertPolyglot(jpegWithComment(Array("<!DOCTYPE html><p>hi".utf8), jpeg), containing: "HTML")
        assertPolyglot(jpegWithComment(Array("<svg onload=alert(1)>".utf8), jpeg), containing: "svg")
        assertPolyglot(jpegWithComment(Array("x<script/src=//evil>".utf8), jpeg), containing: "script")
        // XMP-like metadata and look-alike words are fine.
        let xmp = "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>"
            + "<rdf:RDF><photoshop:Headline>扫描件</photoshop:Headline><headline/><bodyText/><scripting/></rdf:RDF></x:xmpmeta>"
        XCTAssertEqual(try FileSniffer.detect(jpegWithComment(Array(xmp.utf8), jpeg)), .jpeg)
    }

    // MARK: GIF

    func testGIFStructure() throws {
        let gif = try TestSupport.sample("scan.gif")
        assertThrows(Array(gif.dropLast()), .truncated(.gif), "no trailer")
        assertMalformed(gif + [0x00], .gif, "after trailer")
        var badBlock = gif
        badBlock.insert(0x99, at: gif.count - 1)
        assertMalformed(badBlock, .gif, "unknown block")
        // Header + screen descriptor + trailer, no image.
        assertMalformed(Array("GIF89a".utf8) + [10, 0, 10, 0, 0x00, 0, 0, 0x3B], .gif, "no image")
        let small = try TestSupport.sample("red.gif")
        let html = Array("<html><body>x".utf8)
        assertPolyglot(Array(small.dropLast()) + [0x21, 0xFE, UInt8(html.count)] + html + [0x00, 0x3B], containing: "HTML")
        let comment = Array("made with GIMP".utf8)
        XCTAssertEqual(try FileSniffer.detect(Array(small.dropLast()) + [0x21, 0xFE, UInt8(comment.count)] + comment + [0x00, 0x3B]), .gif)
    }

    // MARK: BMP

    private func settingLE32(_ bytes: [UInt8], at offset: Int, _ value: Int) -> [UInt8] {
        var b = bytes
        for i in 0..<4 { b[offset + i] = UInt8((value >> (8 * i)) & 0xFF) }
        return b
    }

    func testBMPStructure() throws {
        let bmp = try TestSupport.sample("scan.bmp")
        assertThrows(settingLE32(bmp, at: 2, bmp.count + 100), .truncated(.bmp), "size field larger than file")
        assertMalformed(settingLE32(bmp, at: 2, bmp.count - 100), .bmp, "size field smaller than file")
        assertMalformed(bmp + [0, 0], .bmp, "appended bytes")
        assertMalformed(settingLE32(bmp, at: 14, 64), .bmp, "DIB header size 64")
        assertMalformed(settingLE32(bmp, at: 10, bmp.count + 5), .bmp, "pixel offset outside")
        assertMalformed(settingLE32(bmp, at: 10, 20), .bmp, "pixel offset inside the headers")
        assertMalformed(settingLE32(bmp, at: 18, 4000), .bmp, "width larger than the pixel data")
        let text = Array("BMW service report, plain text.".utf8)
        XCTAssertThrowsError(try FileSniffer.detect(text))
    }

    // MARK: PDF

    func testPDFStructure() throws {
        let pdf = try TestSupport.sample("hello.pdf")
        let text = String(decoding: pdf, as: UTF8.self)
        func edited(_ a: String, _ b: String) -> [UInt8] { Array(text.replacingOccurrences(of: a, with: b).utf8) }
        XCTAssertEqual(try FileSniffer.detect(Array(pdf.dropLast())), .pdf, "%%EOF without EOL")
        assertMalformed(edited("%PDF-1.4", "%PDF-3.0"), .pdf, "version 3.0")
        assertMalformed(edited("%PDF-1.4", "%PDF-1.9"), .pdf, "version 1.9")
        assertMalformed(edited("%PDF-1.4", "%PDF-1.45"), .pdf, "version 1.45")
        assertMalformed(edited("startxref", "startxrex"), .pdf, "no startxref")
        assertMalformed(edited("startxref\n403", "startxref\n"), .pdf, "no offset")
        assertMalformed(edited("startxref\n403", "startxref\n999999"), .pdf, "offset beyond end")
        assertThrows(edited("%%EOF", "%%EOX"), .truncated(.pdf), "no %%EOF")
        // More than 1024 bytes of junk after %%EOF: treated as truncated / damaged.
        assertThrows(pdf + [UInt8](repeating: 0x20, count: 1100), .truncated(.pdf))
        XCTAssertEqual(try FileSniffer.detect(pdf + [UInt8](repeating: 0x0A, count: 500)), .pdf)
        // PDFs are not polyglot-checked (a PDF may embed anything, e.g. an attachment).
        XCTAssertEqual(try FileSniffer.detect(edited("(Hello)", "(<script>)")), .pdf)
    }

    // MARK: - Files on disk

    func testLargeFilesAreReadThroughTheFileSource() throws {
        // ~12 MiB PNG: IHDR, 12 IDAT chunks of 1 MiB random bytes (never inflated by the sniffer), IEND.
        let rng = SeededRandom(seed: 77)
        let png = try TestSupport.sample("red.png")
        var big = Array(png[0..<33])
        for _ in 0..<12 { big += TestSupport.pngChunk("IDAT", rng.bytes(1 << 20)) }
        big += TestSupport.pngChunk("IEND", [])
        let dir = try TestSupport.tempDirectory()
        let url = dir.appendingPathComponent("big.png")
        try TestSupport.write(big, to: url)
        XCTAssertEqual(try FileSniffer.detect(fileAt: url.path), .png)
        XCTAssertEqual(try FileSniffer.detect(big), .png)
        // Random data does not trip the polyglot checks.
        try TestSupport.write(Array(big.prefix(big.count - 5_000_000)), to: url)
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: url.path)) {
            XCTAssertEqual($0 as? FileSniffError, .truncated(.png))
        }
        // A ZIP appended to a large image is still found (windows overlap).
        try TestSupport.write(big + (try TestSupport.sample("archive.zip")), to: url)
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: url.path)) {
            guard case .polyglot? = $0 as? FileSniffError else { return XCTFail("\($0)") }
        }
        // A large JPEG: 3 MiB of entropy data (0xFF stuffed as FF 00) between SOS and EOI.
        let jpeg = try TestSupport.sample("red.jpg")
        let sos = try XCTUnwrap(findSOS(jpeg))
        var scan = rng.bytes(3 << 20)
        for i in scan.indices where scan[i] == 0xFF { scan[i] = 0xFE }
        let bigJPEG = Array(jpeg[..<sos]) + scan + [0xFF, 0xD9]
        try TestSupport.write(bigJPEG, to: url)
        XCTAssertEqual(try FileSniffer.detect(fileAt: url.path), .jpeg)
        try TestSupport.write(Array(bigJPEG.dropLast(2)), to: url)
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: url.path)) {
            XCTAssertEqual($0 as? FileSniffError, .truncated(.jpeg))
        }
    }

    /// Offset just after the SOS segment header.
    private func findSOS(_ jpeg: [UInt8]) -> Int? {
        var pos = 2
        while pos + 4 <= jpeg.count {
            let marker = jpeg[pos + 1]
            let length = Int(jpeg[pos + 2]) << 8 | Int(jpeg[pos + 3])
            if marker == 0xDA { return pos + 2 + length }
            pos += 2 + length
        }
        return nil
    }

    func testFileErrors() throws {
        let dir = try TestSupport.tempDirectory()
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: dir.path)) {
            XCTAssertEqual(($0 as? POSIXError)?.code, .EISDIR)
        }
        XCTAssertThrowsError(try FileSniffer.detect(fileAt: dir.appendingPathComponent("missing").path)) {
            XCTAssertEqual(($0 as? POSIXError)?.code, .ENOENT)
        }
    }
}
