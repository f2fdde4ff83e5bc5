import Foundation

/// An immutable, parsed TrueType font (a plain `.ttf` or one face of a `.ttc` collection).
///
/// Only what a PDF writer needs is parsed: `head`, `hhea`, `maxp`, `hmtx`, `loca`, `glyf`,
/// `cmap` (formats 4 and 12) and, when present, `OS/2`, `post` and `name` for descriptive values.
/// The instance is immutable and `Sendable`; load it once (see ``cached(path:faceIndex:)``)
/// and share it between requests.
public final class TrueTypeFont: Sendable {
    public enum Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        case unreadableFile(path: String, reason: String)
        case invalidFont(String)
        case missingTable(String)
        case faceIndexOutOfRange(index: Int, faceCount: Int)
        case unsupportedOutlines(String)

        public var description: String {
            switch self {
            case .unreadableFile(let path, let reason): return "cannot read font file \(path): \(reason)"
            case .invalidFont(let why): return "invalid TrueType font: \(why)"
            case .missingTable(let tag): return "TrueType font lacks required table '\(tag)'"
            case .faceIndexOutOfRange(let index, let count): return "font face \(index) out of range (collection has \(count))"
            case .unsupportedOutlines(let kind): return "unsupported font outlines: \(kind) (only TrueType glyf outlines are supported)"
            }
        }
    }

    /// A table directory entry of the selected face (offsets are into the whole file).
    public struct TableRecord: Sendable, Equatable {
        public let tag: String
        public let checksum: UInt32
        public let offset: Int
        public let length: Int
    }

    /// Font bounding box in font units.
    public struct BoundingBox: Sendable, Equatable {
        public var xMin: Int, yMin: Int, xMax: Int, yMax: Int
        public init(xMin: Int, yMin: Int, xMax: Int, yMax: Int) {
            self.xMin = xMin; self.yMin = yMin; self.xMax = xMax; self.yMax = yMax
        }
    }

    private enum CharacterMap: Sendable {
        case format4(offset: Int, segCountX2: Int)
        case format12(offset: Int, groupCount: Int)
        case none
    }

    let bytes: [UInt8]
    /// Table directory of the selected face, keyed by tag.
    public let tables: [String: TableRecord]
    public let faceIndex: Int
    public let unitsPerEm: Int
    public let numberOfGlyphs: Int
    /// `hhea` ascender / descender (negative) / line gap, in font units.
    public let ascender: Int
    public let descender: Int
    public let lineGap: Int
    /// `OS/2` sCapHeight when the table is version 2 or later.
    public let capHeight: Int?
    public let boundingBox: BoundingBox
    /// From `post` (degrees), 0 if absent.
    public let italicAngle: Double
    /// PostScript name (`name` ID 6), sanitized; falls back to the family name or "TrueTypeFont".
    public let postScriptName: String
    public let familyName: String?
    /// Number of long horizontal metrics in `hmtx`.
    let numberOfHMetrics: Int
    let longLoca: Bool
    let locaOffset: Int
    let glyfOffset: Int
    let glyfLength: Int
    let hmtxOffset: Int
    private let characterMap: CharacterMap

    // MARK: Loading

    /// Parses face `faceIndex` of a TrueType font or collection held in memory.
    public init(bytes: [UInt8], faceIndex: Int = 0) throws {
        let r = BigEndianReader(bytes: bytes)
        var faceOffset = 0
        if bytes.count >= 4, try r.tag(0) == "ttcf" {
            let count = Int(try r.u32(8))
            guard faceIndex >= 0, faceIndex < count else { throw Error.faceIndexOutOfRange(index: faceIndex, faceCount: count) }
            faceOffset = Int(try r.u32(12 + 4 * faceIndex))
        } else if faceIndex != 0 {
            throw Error.faceIndexOutOfRange(index: faceIndex, faceCount: 1)
        }
        let version = try r.u32(faceOffset)
        if version == 0x4F54_544F { throw Error.unsupportedOutlines("CFF (OTTO)") }
        guard version == 0x0001_0000 || version == 0x7472_7565 else {
            throw Error.invalidFont(String(format: "unknown sfnt version 0x%08X", version))
        }
        let tableCount = Int(try r.u16(faceOffset + 4))
        var tables: [String: TableRecord] = [:]
        for i in 0..<tableCount {
            let rec = faceOffset + 12 + 16 * i
            let tag = try r.tag(rec)
            let offset = Int(try r.u32(rec + 8)), length = Int(try r.u32(rec + 12))
            guard offset + length <= bytes.count else { throw Error.invalidFont("table '\(tag)' extends past end of file") }
            tables[tag] = TableRecord(tag: tag, checksum: try r.u32(rec + 4), offset: offset, length: length)
        }
        func require(_ tag: String, minLength: Int) throws -> TableRecord {
            guard let t = tables[tag] else {
                if tag == "glyf", tables["CFF "] != nil || tables["CFF2"] != nil { throw Error.unsupportedOutlines("CFF") }
                throw Error.missingTable(tag)
            }
            guard t.length >= minLength else { throw Error.invalidFont("table '\(tag)' too short") }
            return t
        }
        let head = try require("head", minLength: 54)
        let hhea = try require("hhea", minLength: 36)
        let maxp = try require("maxp", minLength: 6)
        let hmtx = try require("hmtx", minLength: 0)
        let loca = try require("loca", minLength: 0)
        let glyf = try require("glyf", minLength: 0)
        let cmap = try require("cmap", minLength: 4)

        self.bytes = bytes
        self.tables = tables
        self.faceIndex = faceIndex
        unitsPerEm = Int(try r.u16(head.offset + 18))
        guard unitsPerEm >= 16 else { throw Error.invalidFont("unitsPerEm \(unitsPerEm)") }
        boundingBox = BoundingBox(xMin: Int(try r.i16(head.offset + 36)), yMin: Int(try r.i16(head.offset + 38)),
                                  xMax: Int(try r.i16(head.offset + 40)), yMax: Int(try r.i16(head.offset + 42)))
        longLoca = try r.i16(head.offset + 50) == 1
        ascender = Int(try r.i16(hhea.offset + 4))
        descender = Int(try r.i16(hhea.offset + 6))
        lineGap = Int(try r.i16(hhea.offset + 8))
        numberOfHMetrics = Int(try r.u16(hhea.offset + 34))
        numberOfGlyphs = Int(try r.u16(maxp.offset + 4))
        guard numberOfHMetrics >= 1, numberOfHMetrics <= numberOfGlyphs,
              hmtx.length >= 4 * numberOfHMetrics + 2 * (numberOfGlyphs - numberOfHMetrics) else {
            throw Error.invalidFont("hmtx too short for \(numberOfGlyphs) glyphs")
        }
        guard loca.length >= (numberOfGlyphs + 1) * (longLoca ? 4 : 2) else { throw Error.invalidFont("loca too short") }
        hmtxOffset = hmtx.offset
        locaOffset = loca.offset
        glyfOffset = glyf.offset
        glyfLength = glyf.length

        if let os2 = tables["OS/2"], os2.length >= 90, try r.u16(os2.offset) >= 2 {
            capHeight = Int(try r.i16(os2.offset + 88))
        } else {
            capHeight = nil
        }
        if let post = tables["post"], post.length >= 8 {
            italicAngle = Double(Int32(bitPattern: try r.u32(post.offset + 4))) / 65536.0
        } else {
            italicAngle = 0
        }
        let names = TrueTypeFont.readNames(r, tables["name"])
        familyName = names.family
        postScriptName = TrueTypeFont.sanitizePostScriptName(names.postScript ?? names.family ?? "TrueTypeFont")
        characterMap = try TrueTypeFont.selectCharacterMap(r, cmap)
    }

    /// Reads and parses a font file. Prefer ``cached(path:faceIndex:)`` in servers.
    public convenience init(contentsOfFile path: String, faceIndex: Int = 0) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw Error.unreadableFile(path: path, reason: "\(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), faceIndex: faceIndex)
    }

    /// Number of faces in a font file's bytes (1 for a plain `.ttf`).
    public static func faceCount(in bytes: [UInt8]) throws -> Int {
        let r = BigEndianReader(bytes: bytes)
        if try r.tag(0) == "ttcf" { return Int(try r.u32(8)) }
        return 1
    }

    // MARK: Process-wide cache

    private static let cache = FontCache()

    /// Returns the parsed font for (`path`, `faceIndex`), loading and parsing it only the first time.
    /// Thread-safe; failures are not cached, so a later call retries.
    public static func cached(path: String, faceIndex: Int = 0) throws -> TrueTypeFont {
        try cache.font(path: path, faceIndex: faceIndex)
    }

    // MARK: Character and glyph queries

    /// The glyph id for a Unicode scalar, or 0 (`.notdef`) if the font has no glyph for it.
    public func glyphID(for scalar: Unicode.Scalar) -> UInt16 {
        let c = scalar.value
        switch characterMap {
        case .format12(let offset, let groupCount):
            var lo = 0, hi = groupCount - 1
            while lo <= hi {
                let mid = (lo + hi) / 2
                let g = offset + 16 + 12 * mid
                let start = bytes.beU32(g), end = bytes.beU32(g + 4)
                if c < start { hi = mid - 1 } else if c > end { lo = mid + 1 } else {
                    let gid = bytes.beU32(g + 8) &+ (c - start)
                    return gid < UInt32(numberOfGlyphs) ? UInt16(gid) : 0
                }
            }
            return 0
        case .format4(let offset, let segCountX2):
            guard c <= 0xFFFF else { return 0 }
            let segCount = segCountX2 / 2
            let ends = offset + 14, starts = ends + segCountX2 + 2
            let deltas = starts + segCountX2, rangeOffsets = deltas + segCountX2
            var lo = 0, hi = segCount - 1
            while lo < hi {                       // first segment with end >= c
                let mid = (lo + hi) / 2
                if UInt32(bytes.beU16(ends + 2 * mid)) < c { lo = mid + 1 } else { hi = mid }
            }
            let start = UInt32(bytes.beU16(starts + 2 * lo))
            guard UInt32(bytes.beU16(ends + 2 * lo)) >= c, start <= c else { return 0 }
            let delta = bytes.beU16(deltas + 2 * lo)
            let rangeOffsetPos = rangeOffsets + 2 * lo
            let rangeOffset = Int(bytes.beU16(rangeOffsetPos))
            var gid: UInt16
            if rangeOffset == 0 {
                gid = UInt16(truncatingIfNeeded: c) &+ delta
            } else {
                let addr = rangeOffsetPos + rangeOffset + 2 * Int(c - start)
                guard addr + 2 <= bytes.count else { return 0 }
                gid = bytes.beU16(addr)
                if gid != 0 { gid = gid &+ delta }
            }
            return Int(gid) < numberOfGlyphs ? gid : 0
        case .none:
            return 0
        }
    }

    /// Whether the font maps `scalar` to a real glyph.
    public func hasGlyph(for scalar: Unicode.Scalar) -> Bool { glyphID(for: scalar) != 0 }

    /// Advance width of a glyph in font units.
    public func advanceWidth(ofGlyph gid: UInt16) -> Int {
        let i = min(Int(gid), numberOfHMetrics - 1)
        return Int(bytes.beU16(hmtxOffset + 4 * i))
    }

    /// Left side bearing of a glyph in font units.
    public func leftSideBearing(ofGlyph gid: UInt16) -> Int {
        let g = Int(gid)
        if g < numberOfHMetrics { return Int(Int16(bitPattern: bytes.beU16(hmtxOffset + 4 * g + 2))) }
        guard g < numberOfGlyphs else { return 0 }
        return Int(Int16(bitPattern: bytes.beU16(hmtxOffset + 4 * numberOfHMetrics + 2 * (g - numberOfHMetrics))))
    }

    /// Advance width scaled to a 1000-unit em (PDF glyph space), rounded.
    public func pdfWidth(ofGlyph gid: UInt16) -> Int {
        (advanceWidth(ofGlyph: gid) * 1000 + unitsPerEm / 2) / unitsPerEm
    }

    /// Byte range of a glyph's outline inside `glyf` (relative to the table), empty for empty glyphs.
    func glyphRange(_ gid: UInt16) -> Range<Int> {
        let g = Int(gid)
        guard g < numberOfGlyphs else { return 0..<0 }
        let start: Int, end: Int
        if longLoca {
            start = Int(bytes.beU32(locaOffset + 4 * g)); end = Int(bytes.beU32(locaOffset + 4 * g + 4))
        } else {
            start = 2 * Int(bytes.beU16(locaOffset + 2 * g)); end = 2 * Int(bytes.beU16(locaOffset + 2 * g + 2))
        }
        guard start <= end, end <= glyfLength else { return 0..<0 }
        return start..<end
    }

    /// Raw `glyf` data of one glyph (empty for glyphs without outline).
    public func glyphData(_ gid: UInt16) -> ArraySlice<UInt8> {
        let range = glyphRange(gid)
        return bytes[(glyfOffset + range.lowerBound)..<(glyfOffset + range.upperBound)]
    }

    /// Whether the glyph is a composite glyph (built from other glyphs).
    public func isComposite(_ gid: UInt16) -> Bool {
        let data = glyphData(gid)
        guard data.count >= 10 else { return false }
        return Int16(bitPattern: UInt16(data[data.startIndex]) << 8 | UInt16(data[data.startIndex + 1])) < 0
    }

    /// Direct components of a composite glyph (empty for simple glyphs).
    public func componentGlyphIDs(ofGlyph gid: UInt16) -> [UInt16] {
        guard isComposite(gid) else { return [] }
        let data = glyphData(gid)
        var p = data.startIndex + 10
        var result: [UInt16] = []
        while p + 4 <= data.endIndex {
            let flags = UInt16(data[p]) << 8 | UInt16(data[p + 1])
            result.append(UInt16(data[p + 2]) << 8 | UInt16(data[p + 3]))
            p += 4
            p += (flags & 0x0001) != 0 ? 4 : 2           // ARG_1_AND_2_ARE_WORDS
            if flags & 0x0008 != 0 { p += 2 }              // WE_HAVE_A_SCALE
            else if flags & 0x0040 != 0 { p += 4 }         // WE_HAVE_AN_X_AND_Y_SCALE
            else if flags & 0x0080 != 0 { p += 8 }         // WE_HAVE_A_TWO_BY_TWO
            if flags & 0x0020 == 0 { break }               // MORE_COMPONENTS
        }
        return result
    }

    /// Raw bytes of a table of this face, if present.
    public func tableData(_ tag: String) -> ArraySlice<UInt8>? {
        guard let t = tables[tag] else { return nil }
        return bytes[t.offset..<(t.offset + t.length)]
    }

    // MARK: Parsing helpers

    private static func selectCharacterMap(_ r: BigEndianReader, _ cmap: TableRecord) throws -> CharacterMap {
        let count = Int(try r.u16(cmap.offset + 2))
        var best: (rank: Int, map: CharacterMap)?
        for i in 0..<count {
            let rec = cmap.offset + 4 + 8 * i
            guard rec + 8 <= cmap.offset + cmap.length else { break }
            let platform = try r.u16(rec), encoding = try r.u16(rec + 2)
            let sub = cmap.offset + Int(try r.u32(rec + 4))
            guard sub + 4 <= cmap.offset + cmap.length else { continue }
            let format = try r.u16(sub)
            let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
            guard unicode else { continue }
            var candidate: (Int, CharacterMap)?
            if format == 12 {
                let groups = Int(try r.u32(sub + 12))
                guard sub + 16 + 12 * groups <= r.bytes.count else { continue }
                candidate = (2, .format12(offset: sub, groupCount: groups))
            } else if format == 4 {
                let segX2 = Int(try r.u16(sub + 6))
                guard segX2 >= 2, segX2 % 2 == 0, sub + 16 + 4 * segX2 <= r.bytes.count else { continue }
                candidate = (1, .format4(offset: sub, segCountX2: segX2))
            }
            if let c = candidate, c.0 > (best?.rank ?? 0) { best = (c.0, c.1) }
        }
        return best?.map ?? .none
    }

    private static func readNames(_ r: BigEndianReader, _ name: TableRecord?) -> (postScript: String?, family: String?) {
        guard let name, name.length >= 6 else { return (nil, nil) }
        var ps: String?, family: String?
        do {
            let count = Int(try r.u16(name.offset + 2))
            let storage = name.offset + Int(try r.u16(name.offset + 4))
            for i in 0..<count {
                let rec = name.offset + 6 + 12 * i
                let platform = try r.u16(rec), encoding = try r.u16(rec + 2)
                let language = try r.u16(rec + 4), nameID = try r.u16(rec + 6)
                let length = Int(try r.u16(rec + 8)), offset = Int(try r.u16(rec + 10))
                guard nameID == 1 || nameID == 6 else { continue }
                let start = storage + offset
                guard start + length <= r.bytes.count else { continue }
                let raw = r.bytes[start..<(start + length)]
                var value: String?
                if platform == 3 || platform == 0 {
                    guard platform == 0 || encoding == 1 || encoding == 10 else { continue }
                    var units: [UInt16] = []
                    var p = raw.startIndex
                    while p + 1 < raw.endIndex { units.append(UInt16(raw[p]) << 8 | UInt16(raw[p + 1])); p += 2 }
                    value = String(decoding: units, as: UTF16.self)
                } else if platform == 1 && encoding == 0 {
                    value = String(decoding: raw.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
                }
                guard let v = value, !v.isEmpty else { continue }
                // Prefer Windows/Unicode English strings; otherwise keep the first one found.
                if nameID == 6, ps == nil || platform == 3 { ps = v }
                if nameID == 1, family == nil || (platform == 3 && language == 0x0409) { family = v }
            }
        } catch {
            return (ps, family)
        }
        return (ps, family)
    }

    static func sanitizePostScriptName(_ name: String) -> String {
        let allowed = name.unicodeScalars.filter {
            $0.value > 32 && $0.value < 127 && !"[](){}<>/%#".unicodeScalars.contains($0)
        }
        let s = String(String.UnicodeScalarView(allowed))
        return s.isEmpty ? "TrueTypeFont" : String(s.prefix(63))
    }
}

/// Lock-protected map of loaded fonts. The fonts themselves are immutable.
private final class FontCache: @unchecked Sendable {
    private let lock = NSLock()
    private var fonts: [String: TrueTypeFont] = [:]

    func font(path: String, faceIndex: Int) throws -> TrueTypeFont {
        let key = "\(faceIndex)\u{0}\(path)"
        lock.lock()
        defer { lock.unlock() }
        if let font = fonts[key] { return font }
        // Loading under the lock is deliberate: concurrent first requests wait for one parse.
        let font = try TrueTypeFont(contentsOfFile: path, faceIndex: faceIndex)
        fonts[key] = font
        return font
    }
}
