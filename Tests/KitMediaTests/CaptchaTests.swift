import Foundation
import XCTest
@testable import KitMedia

final class CaptchaTests: XCTestCase {
    private func render(_ answer: String, seed: UInt64 = 42, width: Int = 120, height: Int = 40) -> [UInt8] {
        let rng = SeededRandom(seed: seed)
        return CaptchaRenderer.render(answer: answer, width: width, height: height, random: { rng($0) })
    }

    /// Decodes our own PNG in Swift: chunk list, CRCs (independent bitwise CRC), IHDR, zlib IDAT, filters.
    private func decodeRGB(_ png: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws
        -> (width: Int, height: Int, pixels: [UInt8]) {
        let chunks = try XCTUnwrap(TestSupport.pngChunks(png), "not a well-formed PNG", file: file, line: line)
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "IDAT", "IEND"], file: file, line: line)
        XCTAssertTrue(chunks.allSatisfy(\.crcOK), "bad chunk CRC", file: file, line: line)
        let ihdr = chunks[0].data
        XCTAssertEqual(ihdr.count, 13, file: file, line: line)
        let width = Int(TestSupport.be32(ihdr, 0)), height = Int(TestSupport.be32(ihdr, 4))
        XCTAssertEqual(Array(ihdr[8...]), [8, 2, 0, 0, 0], file: file, line: line)
        let raw = try XCTUnwrap(ZlibStream.inflate(chunks[1].data, windowBits: 15), "IDAT does not inflate",
                                file: file, line: line)
        XCTAssertEqual(raw.count, (width * 3 + 1) * height, file: file, line: line)
        var pixels: [UInt8] = []
        for y in 0..<height {
            let row = y * (width * 3 + 1)
            XCTAssertEqual(raw[row], 0, "filter type", file: file, line: line)
            pixels += raw[(row + 1)..<(row + 1 + width * 3)]
        }
        return (width, height, pixels)
    }

    func testPNGDecodesWithValidCRCsAndIsNotUniform() throws {
        let png = render("K7PX3")
        let image = try decodeRGB(png)
        XCTAssertEqual(image.width, 120)
        XCTAssertEqual(image.height, 40)
        var colours = Set<UInt32>()
        var dark = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            let (r, g, b) = (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
            colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
            if Int(r) + Int(g) + Int(b) < 3 * 128 { dark += 1 }
        }
        XCTAssertGreaterThan(colours.count, 50)
        // Glyph strokes cover a reasonable share of the picture: legible, not a blot.
        let darkShare = Double(dark) / Double(120 * 40)
        XCTAssertGreaterThan(darkShare, 0.05)
        XCTAssertLessThan(darkShare, 0.45)
        XCTAssertEqual(try FileSniffer.detect(png), .png)
    }

    func testDeterministicWithFixedRandom() {
        XCTAssertEqual(render("ABCD", seed: 7), render("ABCD", seed: 7))
        XCTAssertNotEqual(render("ABCD", seed: 7), render("ABCD", seed: 8))
    }

    func testDifferentAnswersGiveDifferentImages() throws {
        let answers = ["ABCD", "ABCE", "WXYZ9", "234567", "HJKMN"]
        let images = try answers.map { try decodeRGB(render($0, seed: 1)).pixels }
        XCTAssertEqual(Set(images.map { $0 }).count, answers.count)
        // Same noise (same seed) but different glyphs: the pixel difference is substantial, not a few dots.
        let a = images[0], b = images[2]
        var differing = 0
        for i in stride(from: 0, to: a.count, by: 3) where a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2] {
            differing += 1
        }
        XCTAssertGreaterThan(differing, 200)
    }

    func testEveryAlphabetCharacterHasAGlyphAndRenders() throws {
        XCTAssertEqual(CaptchaRenderer.alphabet.count, 31)
        for c in CaptchaRenderer.alphabet {
            XCTAssertNotNil(StrokeFont.glyph(for: c), "no glyph for \(c)")
            XCTAssertNotNil(StrokeFont.glyph(for: Character(c.lowercased())), "no glyph for \(c.lowercased())")
        }
        for chunk in stride(from: 0, to: 31, by: 6) {
            let answer = String(Array(CaptchaRenderer.alphabet)[chunk..<min(31, chunk + 6)])
            _ = try decodeRGB(render(answer))
        }
        XCTAssertNil(StrokeFont.glyph(for: "中"))
        _ = try decodeRGB(render("中文?!"))  // no glyphs: still a valid picture
    }

    func testCustomSizeAndClamping() throws {
        let big = try decodeRGB(render("ABCDE", width: 200, height: 70))
        XCTAssertEqual(big.width, 200)
        XCTAssertEqual(big.height, 70)
        let tiny = try decodeRGB(render("AB", width: 1, height: 1))
        XCTAssertEqual(tiny.width, 16)
        XCTAssertEqual(tiny.height, 8)
        let empty = try decodeRGB(render("", width: 50, height: 20))
        XCTAssertEqual(empty.width, 50)
    }

    func testRandomOutOfRangeIsClamped() throws {
        var flip = false
        let png = CaptchaRenderer.render(answer: "MNPQ", random: { _ in flip.toggle(); return flip ? Int.max : -5 })
        let clamped = try decodeRGB(png)
        let normal = try decodeRGB(render("MNPQ"))
        // Out-of-range random values are clamped into the canvas: same size, and the glyphs are still drawn.
        XCTAssertEqual(clamped.width, normal.width)
        XCTAssertEqual(clamped.height, normal.height)
        XCTAssertEqual(clamped.pixels.count, clamped.width * clamped.height * 3)
        XCTAssertTrue(clamped.pixels.contains { $0 < 100 }, "no dark (glyph) pixel was drawn")
    }

    func testRandomAnswer() {
        let rng = SeededRandom(seed: 3)
        for length in [1, 4, 5, 6, 9] {
            let answer = CaptchaRenderer.randomAnswer(length: length, random: { rng($0) })
            XCTAssertEqual(answer.count, min(6, max(4, length)))
            XCTAssertTrue(answer.allSatisfy { CaptchaRenderer.alphabet.contains($0) })
        }
        let captcha = CaptchaRenderer.captcha(answer: "XY34", random: { rng($0) })
        XCTAssertEqual(captcha.answer, "XY34")
        XCTAssertEqual(Array(captcha.png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    // MARK: - Independent decoders

    private func writeSample(_ answer: String, seed: UInt64 = 42) throws -> URL {
        let dir = try TestSupport.tempDirectory()
        let url = dir.appendingPathComponent("captcha-\(answer).png")
        try TestSupport.write(render(answer, seed: seed), to: url)
        // CAPTCHA_SAMPLE_DIR=/some/dir keeps a copy to look at.
        if let keep = ProcessInfo.processInfo.environment["CAPTCHA_SAMPLE_DIR"] {
            try? FileManager.default.copyItem(atPath: url.path, toPath: keep + "/captcha-\(answer)-\(seed).png")
        }
        return url
    }

    func testPythonStandardLibraryDecodes() throws {
        let python = try TestSupport.python()
        let url = try writeSample("RT8WE")
        let result = try TestSupport.run(python, [TestSupport.fixtures.appendingPathComponent("check_png.py").path, url.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["width"] as? Int, 120)
        XCTAssertEqual(json["height"] as? Int, 40)
        XCTAssertEqual(json["crc_ok"] as? Bool, true)
        XCTAssertEqual(json["uniform"] as? Bool, false)
        XCTAssertEqual(json["chunks"] as? [String], ["IHDR", "IDAT", "IEND"])
        XCTAssertGreaterThan(json["distinct_colours"] as? Int ?? 0, 50)
    }

    func testPngcheck() throws {
        guard let pngcheck = TestSupport.which("pngcheck") else { throw XCTSkip("pngcheck is not installed (apt-get install pngcheck)") }
        let url = try writeSample("GH5Y")
        let result = try TestSupport.run(pngcheck, ["-v", url.path])
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(result.stdout.contains("No errors detected"), result.stdout)
        XCTAssertTrue(result.stdout.contains("120 x 40 image, 24-bit RGB, non-interlaced"), result.stdout)
    }

    func testImageMagickIdentify() throws {
        guard let identify = TestSupport.imageMagick("identify") else {
            throw XCTSkip("ImageMagick is not installed (apt-get install imagemagick)")
        }
        let url = try writeSample("QZ2M6")
        let result = try TestSupport.run(identify, ["-format", "%m %w %h %k", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let fields = result.stdout.split(separator: " ")
        XCTAssertEqual(fields.prefix(3).map(String.init), ["PNG", "120", "40"], result.stdout)
        XCTAssertGreaterThan(Int(fields.last ?? "") ?? 0, 50, "unique colours")  // %k
    }

    func testFileCommand() throws {
        guard let file = TestSupport.which("file") else { throw XCTSkip("file(1) is not installed") }
        let url = try writeSample("VUSD")
        let result = try TestSupport.run(file, ["-b", url.path])
        XCTAssertTrue(result.stdout.hasPrefix("PNG image data, 120 x 40, 8-bit/color RGB"), result.stdout)
    }
}
