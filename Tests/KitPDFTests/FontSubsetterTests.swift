import XCTest
import KitPDF

/// The sfnt subset: structure, checksums, and that it parses back with the same glyphs.
final class FontSubsetterTests: XCTestCase {
    static let sample = "医疗质量控制数据报送系统账号申请表保密承诺函机构信息收集使用须知及同意书姓名单位签字盖章日期ABCxyz0123，。"

    private func makeSubset(_ font: TrueTypeFont, text: String = sample) -> FontSubsetter.Subset {
        var glyphs = Set<UInt16>()
        var characters: [Unicode.Scalar: UInt16] = [:]
        for s in text.unicodeScalars {
            let g = font.glyphID(for: s)
            glyphs.insert(g); characters[s] = g
        }
        return FontSubsetter.subset(font, glyphs: glyphs, characters: characters)
    }

    private func u16(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) << 8 | Int(b[o + 1]) }
    private func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
    }
    /// Independent implementation of the sfnt checksum.
    private func checksum(_ b: ArraySlice<UInt8>) -> UInt32 {
        var padded = Array(b)
        while padded.count % 4 != 0 { padded.append(0) }
        var sum: UInt32 = 0
        for i in stride(from: 0, to: padded.count, by: 4) { sum = sum &+ u32(padded, i) }
        return sum
    }

    func testTableDirectoryChecksumsAndAlignment() throws {
        let subset = makeSubset(try TestFont.load())
        let b = subset.bytes
        XCTAssertEqual(u32(b, 0), 0x0001_0000)
        let n = u16(b, 4)
        XCTAssertEqual(u16(b, 6), 16 * (1 << Int(log2(Double(n)))))        // searchRange
        var tags: [String] = []
        var headOffset = 0
        for i in 0..<n {
            let rec = 12 + 16 * i
            let tag = String(decoding: b[rec..<rec + 4], as: UTF8.self)
            let sum = u32(b, rec + 4), offset = Int(u32(b, rec + 8)), length = Int(u32(b, rec + 12))
            tags.append(tag)
            XCTAssertEqual(offset % 4, 0, "\(tag) not 4-byte aligned")
            XCTAssertLessThanOrEqual(offset + length, b.count)
            if tag == "head" {
                headOffset = offset
                var head = Array(b[offset..<offset + length])
                head.replaceSubrange(8..<12, with: [0, 0, 0, 0])
                XCTAssertEqual(sum, checksum(head[...]), "head checksum")
            } else {
                XCTAssertEqual(sum, checksum(b[offset..<offset + length]), "\(tag) checksum")
            }
        }
        XCTAssertEqual(tags, tags.sorted(), "table directory must be sorted")
        for required in ["cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp"] { XCTAssertTrue(tags.contains(required), required) }
        XCTAssertFalse(tags.contains("GSUB") || tags.contains("post") || tags.contains("vmtx"))
        // Whole-file checksum with checkSumAdjustment is the magic number.
        XCTAssertEqual(checksum(b[...]), 0xB1B0_AFBA)
        XCTAssertEqual(u32(b, headOffset + 12), 0x5F0F_3CF5, "head magic")
    }

    func testSubsetParsesBackWithSameGlyphIDsAndOutlines() throws {
        let font = try TestFont.load()
        let subset = makeSubset(font)
        let parsed = try TrueTypeFont(bytes: subset.bytes)
        XCTAssertEqual(parsed.numberOfGlyphs, subset.numberOfGlyphs)
        XCTAssertEqual(parsed.unitsPerEm, font.unitsPerEm)
        for s in Self.sample.unicodeScalars {
            let gid = font.glyphID(for: s)
            XCTAssertEqual(parsed.glyphID(for: s), gid, "cmap of subset for \(s)")
            XCTAssertEqual(Array(parsed.glyphData(gid)), Array(font.glyphData(gid)), "outline of \(s)")
            XCTAssertEqual(parsed.advanceWidth(ofGlyph: gid), font.advanceWidth(ofGlyph: gid))
        }
        XCTAssertEqual(parsed.glyphID(for: "龍"), 0, "unused characters are not mapped")
        // A glyph below the highest kept id that is not used is empty.
        let kept = Set(subset.glyphIDs)
        let unused = try XCTUnwrap((1..<UInt16(subset.numberOfGlyphs)).first { !kept.contains($0) && !font.glyphData($0).isEmpty })
        XCTAssertTrue(parsed.glyphData(unused).isEmpty)
        XCTAssertEqual(parsed.advanceWidth(ofGlyph: unused), 0)
    }

    func testCompositeComponentsAreKept() throws {
        let font = try TestFont.load()
        let composite = try XCTUnwrap((0x2000...0xFFFF).lazy.compactMap(Unicode.Scalar.init).first {
            font.isComposite(font.glyphID(for: $0))
        })
        let gid = font.glyphID(for: composite)
        let subset = FontSubsetter.subset(font, glyphs: [gid])
        let parsed = try TrueTypeFont(bytes: subset.bytes)
        for component in font.componentGlyphIDs(ofGlyph: gid) {
            XCTAssertTrue(subset.glyphIDs.contains(component))
            XCTAssertEqual(Array(parsed.glyphData(component)), Array(font.glyphData(component)))
        }
        XCTAssertTrue(subset.glyphIDs.contains(0), ".notdef always kept")
    }

    func testSubsetIsSmall() throws {
        let font = try TestFont.load()
        let eighty = String(Self.sample.prefix(80))
        let subset = makeSubset(font, text: eighty)
        let compressed = FlateCodec.compress(subset.bytes)
        print("subset of \(eighty.count) characters: \(subset.bytes.count) bytes, \(compressed.count) bytes deflated")
        XCTAssertLessThan(compressed.count, 40_000)
        XCTAssertLessThan(subset.glyphIDs.count, 400)
    }

    func testPopplerRendersTheEmbeddedSubset() throws {
        // The subset (through the whole PDF pipeline) must draw ink in poppler's rasterizer.
        let font = try TestFont.load()
        var page = PDFPage()
        page.drawText("医疗质量", x: 40, baseline: 120, style: PDFTextStyle(font: font, size: 60))
        page.drawText("한국어", x: 40, baseline: 320, style: PDFTextStyle(font: font, size: 60))   // composite glyphs
        XCTAssertTrue(font.isComposite(font.glyphID(for: "한")))
        let pdf = PDFDocument(pages: [page]).render()
        let image = try Poppler.renderGray(pdf, dpi: 50)
        XCTAssertGreaterThan(image.darkPixels(rows: 0.05...0.16), 800)
        XCTAssertGreaterThan(image.darkPixels(rows: 0.29...0.4), 800, "composite glyphs drew nothing")
        XCTAssertTrue(Poppler.compact(try Poppler.text(pdf)).contains("医疗质量한국어"))
    }
}
