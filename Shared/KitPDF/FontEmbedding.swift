/// Writes a TrueType font as an embedded, subsetted composite font:
/// Type0 (`/Identity-H`) → CIDFontType2 (`/CIDToGIDMap /Identity`, CID = GID) → FontDescriptor →
/// FontFile2 (Flate), plus a `/ToUnicode` CMap so text can be extracted.
struct FontUsage {
    let font: TrueTypeFont
    /// Glyph → text for /ToUnicode (first character seen for the glyph wins).
    private(set) var glyphText: [UInt16: String] = [:]
    /// Character → glyph for the subset's own cmap.
    private(set) var characters: [Unicode.Scalar: UInt16] = [:]

    init(font: TrueTypeFont) { self.font = font }

    mutating func record(glyphs: [UInt16], scalars: [Unicode.Scalar]) {
        for (gid, scalar) in zip(glyphs, scalars) {
            if glyphText[gid] == nil, gid != 0 { glyphText[gid] = String(Character(scalar)) }
            if characters[scalar] == nil, gid != 0 { characters[scalar] = gid }
        }
        for gid in glyphs where gid == 0 { glyphText[0] = glyphText[0] ?? "" }
    }

    var usedGlyphs: Set<UInt16> { Set(glyphText.keys) }

    /// Writes the font objects; returns the Type0 font object number.
    func write(to writer: inout PDFObjectWriter) -> Int {
        let type0 = writer.allocate(), cidFont = writer.allocate(), descriptor = writer.allocate()
        let fontFile = writer.allocate(), toUnicode = writer.allocate()

        let subset = FontSubsetter.subset(font, glyphs: usedGlyphs, characters: characters)
        let baseFont = subsetTag() + "+" + font.postScriptName
        let scale = 1000.0 / Double(font.unitsPerEm)
        func scaled(_ v: Int) -> PDFValue { .int(Int((Double(v) * scale).rounded())) }

        writer.write(type0, .dictionary([
            "Type": .name("Font"), "Subtype": .name("Type0"), "BaseFont": .name(baseFont),
            "Encoding": .name("Identity-H"), "DescendantFonts": .array([.reference(cidFont)]),
            "ToUnicode": .reference(toUnicode),
        ]))
        writer.write(cidFont, .dictionary([
            "Type": .name("Font"), "Subtype": .name("CIDFontType2"), "BaseFont": .name(baseFont),
            "CIDSystemInfo": .dictionary(["Registry": .string(Array("Adobe".utf8)),
                                          "Ordering": .string(Array("Identity".utf8)), "Supplement": .int(0)]),
            "FontDescriptor": .reference(descriptor), "DW": .int(1000), "W": widthsArray(defaultWidth: 1000),
            "CIDToGIDMap": .name("Identity"),
        ]))
        let box = font.boundingBox
        writer.write(descriptor, .dictionary([
            "Type": .name("FontDescriptor"), "FontName": .name(baseFont), "Flags": .int(4),
            "FontBBox": .array([scaled(box.xMin), scaled(box.yMin), scaled(box.xMax), scaled(box.yMax)]),
            "ItalicAngle": .real(font.italicAngle), "Ascent": scaled(font.ascender), "Descent": scaled(font.descender),
            "CapHeight": scaled(font.capHeight ?? font.ascender), "StemV": .int(80),
            "FontFile2": .reference(fontFile),
        ]))
        writer.writeStream(fontFile, dictionary: ["Length1": .int(subset.bytes.count)], data: subset.bytes)
        writer.writeStream(toUnicode, data: Array(ToUnicodeCMap.make(glyphText.filter { !$0.value.isEmpty }).utf8))
        return type0
    }

    /// `/W` entries for glyphs whose width differs from `defaultWidth`: `c [w1 w2 …]` per run.
    func widthsArray(defaultWidth: Int) -> PDFValue {
        var items: [PDFValue] = []
        var runStart: UInt16?
        var run: [PDFValue] = []
        var previous: UInt16?
        for gid in usedGlyphs.sorted() {
            let w = font.pdfWidth(ofGlyph: gid)
            guard w != defaultWidth else { continue }
            if let p = previous, gid == p + 1, runStart != nil {
                run.append(.int(w))
            } else {
                if let s = runStart { items.append(.int(Int(s))); items.append(.array(run)) }
                runStart = gid; run = [.int(w)]
            }
            previous = gid
        }
        if let s = runStart { items.append(.int(Int(s))); items.append(.array(run)) }
        return .array(items)
    }

    /// Six uppercase letters derived from the glyph set (deterministic, per PDF subset naming).
    private func subsetTag() -> String {
        var hash = FNV1a()
        hash.combine(Array(font.postScriptName.utf8))
        for gid in usedGlyphs.sorted() { hash.combine([UInt8(gid >> 8), UInt8(gid & 0xFF)]) }
        var v = hash.value
        var tag = ""
        for _ in 0..<6 { tag.append(Character(Unicode.Scalar(UInt8(65 + v % 26)))); v /= 26 }
        return tag
    }
}

/// 64-bit FNV-1a, used for deterministic identifiers (not for security).
struct FNV1a {
    private(set) var value: UInt64

    init(seed: UInt64 = 0xCBF2_9CE4_8422_2325) { value = seed }

    mutating func combine<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    }
}
