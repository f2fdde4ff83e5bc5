import XCTest
import KitPDF

/// The TrueType / TTC parser against the installed WenQuanYi Zen Hei collection.
final class TrueTypeFontTests: XCTestCase {
    func testCollectionFaceAndMetrics() throws {
        let font = try TestFont.load()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestFont.path)))
        XCTAssertEqual(try TrueTypeFont.faceCount(in: bytes), 3)
        XCTAssertEqual(font.faceIndex, 0)
        XCTAssertEqual(font.unitsPerEm, 1024)
        XCTAssertGreaterThan(font.numberOfGlyphs, 20_000)
        XCTAssertGreaterThan(font.ascender, 0)
        XCTAssertLessThan(font.descender, 0)
        XCTAssertTrue(font.postScriptName.hasPrefix("WenQuanYi"), font.postScriptName)
        XCTAssertLessThan(font.boundingBox.xMin, font.boundingBox.xMax)
        for tag in ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"] { XCTAssertNotNil(font.tables[tag], tag) }
    }

    func testCmapLookupFormat4And12() throws {
        let font = try TestFont.load()
        let zhong = font.glyphID(for: "中"), a = font.glyphID(for: "A")
        XCTAssertNotEqual(zhong, 0)
        XCTAssertNotEqual(a, 0)
        XCTAssertNotEqual(zhong, a)
        XCTAssertNotEqual(font.glyphID(for: "，"), 0)
        XCTAssertNotEqual(font.glyphID(for: "\u{20547}"), 0, "non-BMP lookup through format 12")
        XCTAssertEqual(font.glyphID(for: "\u{E000}"), 0, "private use: no glyph")
        XCTAssertEqual(font.glyphID(for: "\u{10FFFD}"), 0)
    }

    func testAdvanceWidthsArePlausible() throws {
        let font = try TestFont.load()
        let em = font.unitsPerEm
        // Ideographs are one em wide; Latin letters narrower; 'i' narrower than 'M'.
        XCTAssertEqual(font.advanceWidth(ofGlyph: font.glyphID(for: "中")), em)
        XCTAssertEqual(font.pdfWidth(ofGlyph: font.glyphID(for: "国")), 1000)
        let aWidth = font.advanceWidth(ofGlyph: font.glyphID(for: "A"))
        XCTAssertGreaterThan(aWidth, em / 4)
        XCTAssertLessThan(aWidth, em)
        XCTAssertLessThan(font.advanceWidth(ofGlyph: font.glyphID(for: "i")), font.advanceWidth(ofGlyph: font.glyphID(for: "M")))
        XCTAssertEqual(font.width(of: "中文", size: 10), 20, accuracy: 0.01)
        XCTAssertEqual(font.width(of: "", size: 10), 0)
    }

    func testGlyphOutlinesAndComposites() throws {
        let font = try TestFont.load()
        XCTAssertFalse(font.glyphData(font.glyphID(for: "中")).isEmpty)
        XCTAssertTrue(font.glyphData(font.glyphID(for: " ")).isEmpty, "space has no outline")
        // Many CJK glyphs in this font are composites; their components must be valid glyph ids.
        let composite = (0x2000...0xFFFF).lazy.compactMap(Unicode.Scalar.init).map(font.glyphID(for:)).first(where: font.isComposite)
        let gid = try XCTUnwrap(composite, "expected composite glyphs (e.g. hangul) in this font")
        let components = font.componentGlyphIDs(ofGlyph: gid)
        XCTAssertFalse(components.isEmpty)
        for c in components { XCTAssertLessThan(Int(c), font.numberOfGlyphs) }
    }

    func testCacheReturnsSameInstanceAndErrorsAreTyped() throws {
        let a = try TestFont.load()
        let b = try TrueTypeFont.cached(path: TestFont.path, faceIndex: 0)
        XCTAssertTrue(a === b)
        XCTAssertFalse(a === (try TrueTypeFont.cached(path: TestFont.path, faceIndex: 1)))
        XCTAssertThrowsError(try TrueTypeFont.cached(path: "/nonexistent/font.ttf")) { error in
            guard case TrueTypeFont.Error.unreadableFile = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TrueTypeFont.cached(path: TestFont.path, faceIndex: 7)) { error in
            XCTAssertEqual(error as? TrueTypeFont.Error, .faceIndexOutOfRange(index: 7, faceCount: 3))
        }
        XCTAssertThrowsError(try TrueTypeFont(bytes: Array("not a font at all".utf8)))
        XCTAssertThrowsError(try TrueTypeFont(bytes: []))
    }

    func testConcurrentCachedLoadsShareOneFont() throws {
        _ = try TestFont.load()
        let ids = LockedArray()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let font = try? TrueTypeFont.cached(path: TestFont.path) { ids.append(ObjectIdentifier(font)) }
        }
        XCTAssertEqual(ids.values.count, 8)
        XCTAssertEqual(Set(ids.values).count, 1)
    }

    func testSystemFontsFindsTheCJKFont() throws {
        _ = try TestFont.load()
        let font = try SystemFonts.cjkFont()
        XCTAssertNotEqual(font.glyphID(for: "医"), 0)
    }
}

private final class LockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ObjectIdentifier] = []
    func append(_ id: ObjectIdentifier) { lock.lock(); items.append(id); lock.unlock() }
    var values: [ObjectIdentifier] { lock.lock(); defer { lock.unlock() }; return items }
}
