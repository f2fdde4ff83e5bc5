/// Builds a TrueType subset of a font for embedding (`/FontFile2`).
///
/// Glyph ids are preserved, so a CIDFontType2 using `/CIDToGIDMap /Identity` can use CID = GID.
/// Used glyphs plus the components of composite glyphs keep their outlines; every other glyph
/// below the highest used id becomes empty (zero-length in `glyf`, zero metrics), and glyphs above
/// it are dropped by lowering `maxp.numGlyphs`. The subset contains `head`, `hhea`, `maxp`, `hmtx`,
/// `loca`, `glyf`, a minimal `cmap` of the used characters and, when present, the hinting tables
/// `cvt `, `fpgm` and `prep`.
public enum FontSubsetter {
    public struct Subset: Sendable {
        /// The complete sfnt file.
        public let bytes: [UInt8]
        /// Glyphs that kept their outlines (requested glyphs, `.notdef` and composite components), ascending.
        public let glyphIDs: [UInt16]
        /// `maxp.numGlyphs` of the subset (highest kept glyph id + 1).
        public let numberOfGlyphs: Int
    }

    /// - Parameters:
    ///   - glyphs: glyph ids to keep (ids outside the font are ignored; `.notdef` is always kept).
    ///   - characters: Unicode → glyph mapping written to the subset's `cmap` (may be empty).
    public static func subset(_ font: TrueTypeFont, glyphs: Set<UInt16>,
                              characters: [Unicode.Scalar: UInt16] = [:]) -> Subset {
        // 1. Glyph closure over composite components.
        var keep = Set<UInt16>()
        var pending = Array(glyphs.filter { Int($0) < font.numberOfGlyphs }) + [0]
        while let gid = pending.popLast() {
            guard keep.insert(gid).inserted else { continue }
            for component in font.componentGlyphIDs(ofGlyph: gid)
            where Int(component) < font.numberOfGlyphs && !keep.contains(component) {
                pending.append(component)
            }
        }
        let kept = keep.sorted()
        let glyphCount = Int(kept.last ?? 0) + 1

        // 2. glyf + loca.
        var glyf: [UInt8] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(glyphCount + 1)
        for gid in 0..<glyphCount {
            offsets.append(glyf.count)
            if keep.contains(UInt16(gid)) {
                glyf.append(contentsOf: font.glyphData(UInt16(gid)))
                while glyf.count % 4 != 0 { glyf.append(0) }
            }
        }
        offsets.append(glyf.count)
        let shortLoca = glyf.count <= 0x1FFFE
        var loca: [UInt8] = []
        loca.reserveCapacity((glyphCount + 1) * (shortLoca ? 2 : 4))
        for offset in offsets {
            if shortLoca { loca.appendBE(UInt16(offset / 2)) } else { loca.appendBE(UInt32(offset)) }
        }

        // 3. hmtx: one long metric per glyph; unused glyphs get zero metrics.
        var hmtx: [UInt8] = []
        hmtx.reserveCapacity(4 * glyphCount)
        for gid in 0..<glyphCount {
            if keep.contains(UInt16(gid)) {
                hmtx.appendBE(UInt16(font.advanceWidth(ofGlyph: UInt16(gid))))
                hmtx.appendBE(Int16(truncatingIfNeeded: font.leftSideBearing(ofGlyph: UInt16(gid))))
            } else {
                hmtx.appendBE(UInt32(0))
            }
        }

        // 4. head, hhea, maxp copied with updated fields.
        var head = Array(font.tableData("head")!)
        head.setBE(UInt32(0), at: 8)                               // checkSumAdjustment, fixed below
        head.setBE(UInt16(shortLoca ? 0 : 1), at: 50)               // indexToLocFormat
        var hhea = Array(font.tableData("hhea")!)
        hhea.setBE(UInt16(glyphCount), at: 34)                      // numberOfHMetrics
        var maxp = Array(font.tableData("maxp")!)
        maxp.setBE(UInt16(glyphCount), at: 4)                       // numGlyphs

        var tables: [(tag: String, data: [UInt8])] = [
            ("head", head), ("hhea", hhea), ("maxp", maxp), ("hmtx", hmtx), ("loca", loca), ("glyf", glyf),
            ("cmap", makeCmap(characters.filter { keep.contains($0.value) })),
        ]
        for tag in ["cvt ", "fpgm", "prep"] {
            if let data = font.tableData(tag) { tables.append((tag, Array(data))) }
        }
        let bytes = assembleSfnt(tables)
        return Subset(bytes: bytes, glyphIDs: kept, numberOfGlyphs: glyphCount)
    }

    /// Writes an sfnt file: sorted table directory, 4-byte aligned tables, table checksums and
    /// `head.checkSumAdjustment`.
    static func assembleSfnt(_ input: [(tag: String, data: [UInt8])]) -> [UInt8] {
        let tables = input.sorted { $0.tag.utf8.lexicographicallyPrecedes($1.tag.utf8) }
        let n = tables.count
        var pow2 = 1, log2 = 0
        while pow2 * 2 <= n { pow2 *= 2; log2 += 1 }
        var out: [UInt8] = []
        out.appendBE(UInt32(0x0001_0000))
        out.appendBE(UInt16(n))
        out.appendBE(UInt16(pow2 * 16))
        out.appendBE(UInt16(log2))
        out.appendBE(UInt16(n * 16 - pow2 * 16))
        var offset = 12 + 16 * n
        var headOffset: Int?
        for table in tables {
            out.append(contentsOf: Array(table.tag.utf8.prefix(4)))
            out.appendBE(sfntChecksum(table.data))
            out.appendBE(UInt32(offset))
            out.appendBE(UInt32(table.data.count))
            if table.tag == "head" { headOffset = offset }
            offset += (table.data.count + 3) & ~3
        }
        for table in tables {
            out.append(contentsOf: table.data)
            while out.count % 4 != 0 { out.append(0) }
        }
        if let headOffset {
            out.setBE(0xB1B0_AFBA &- sfntChecksum(out), at: headOffset + 8)
        }
        return out
    }

    /// A `cmap` with a (3,1) format 4 subtable for BMP characters and, if needed,
    /// a (3,10) format 12 subtable covering all characters.
    static func makeCmap(_ characters: [Unicode.Scalar: UInt16]) -> [UInt8] {
        let pairs = characters.map { (code: $0.key.value, gid: $0.value) }.sorted { $0.code < $1.code }
        // Runs of consecutive codes mapping to consecutive glyph ids.
        func runs(_ pairs: [(code: UInt32, gid: UInt16)]) -> [(start: UInt32, end: UInt32, gid: UInt16)] {
            var result: [(start: UInt32, end: UInt32, gid: UInt16)] = []
            for p in pairs {
                if let last = result.last, p.code == last.end + 1,
                   UInt32(p.gid) == UInt32(last.gid) + (p.code - last.start) {
                    result[result.count - 1].end = p.code
                } else {
                    result.append((p.code, p.code, p.gid))
                }
            }
            return result
        }
        let bmp = runs(pairs.filter { $0.code < 0xFFFF })
        var format4: [UInt8] = []
        let segCount = bmp.count + 1
        var pow2 = 1, log2 = 0
        while pow2 * 2 <= segCount { pow2 *= 2; log2 += 1 }
        format4.appendBE(UInt16(4))
        format4.appendBE(UInt16(16 + 8 * segCount))
        format4.appendBE(UInt16(0))
        format4.appendBE(UInt16(2 * segCount))
        format4.appendBE(UInt16(2 * pow2))
        format4.appendBE(UInt16(log2))
        format4.appendBE(UInt16(2 * segCount - 2 * pow2))
        for r in bmp { format4.appendBE(UInt16(r.end)) }
        format4.appendBE(UInt16(0xFFFF))
        format4.appendBE(UInt16(0))                                   // reservedPad
        for r in bmp { format4.appendBE(UInt16(r.start)) }
        format4.appendBE(UInt16(0xFFFF))
        for r in bmp { format4.appendBE(r.gid &- UInt16(r.start)) }   // idDelta (mod 65536)
        format4.appendBE(UInt16(1))
        for _ in 0..<segCount { format4.appendBE(UInt16(0)) }        // idRangeOffset

        var subtables: [(encoding: UInt16, data: [UInt8])] = [(1, format4)]
        if pairs.contains(where: { $0.code > 0xFFFF }) {
            let groups = runs(pairs)
            var format12: [UInt8] = []
            format12.appendBE(UInt16(12))
            format12.appendBE(UInt16(0))
            format12.appendBE(UInt32(16 + 12 * groups.count))
            format12.appendBE(UInt32(0))
            format12.appendBE(UInt32(groups.count))
            for g in groups {
                format12.appendBE(g.start); format12.appendBE(g.end); format12.appendBE(UInt32(g.gid))
            }
            subtables.append((10, format12))
        }
        var out: [UInt8] = []
        out.appendBE(UInt16(0))
        out.appendBE(UInt16(subtables.count))
        var offset = 4 + 8 * subtables.count
        for s in subtables {
            out.appendBE(UInt16(3)); out.appendBE(s.encoding); out.appendBE(UInt32(offset))
            offset += s.data.count
        }
        for s in subtables { out.append(contentsOf: s.data) }
        return out
    }
}
