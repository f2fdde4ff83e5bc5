/// Builds `/ToUnicode` CMaps that map 2-byte character codes (CIDs) back to Unicode text,
/// which is what makes text in a PDF extractable and searchable.
public enum ToUnicodeCMap {
    /// A CMap program for a 2-byte code space `<0000>`–`<FFFF>`.
    ///
    /// Targets are UTF-16BE; characters outside the BMP become surrogate pairs, and a code may map
    /// to several characters (ligatures). Entries are written as `bfchar` (at most 100 per block).
    /// With `useRanges`, runs of consecutive codes mapping to consecutive BMP characters become
    /// `bfrange` entries instead — smaller, but Ghostscript 10.0's text extraction misreads such
    /// ranges (poppler is fine), so they are off by default; CJK text rarely forms runs anyway.
    /// Deterministic.
    public static func make(_ mapping: [UInt16: String], useRanges: Bool = false) -> String {
        let entries = mapping.compactMap { code, text -> (code: UInt16, units: [UInt16])? in
            let units = Array(text.utf16)
            return units.isEmpty ? nil : (code, units)
        }.sorted { $0.code < $1.code }

        var ranges: [(first: UInt16, last: UInt16, unit: UInt16)] = []
        var singles: [(code: UInt16, units: [UInt16])] = []
        var i = 0
        while i < entries.count {
            let e = entries[i]
            var j = i
            if useRanges, e.units.count == 1, !UTF16.isLeadSurrogate(e.units[0]) {
                // Extend while codes and targets both increase by one, within one low-byte page of each.
                while j + 1 < entries.count {
                    let next = entries[j + 1]
                    let step = next.code &- e.code
                    guard next.code == entries[j].code + 1, next.code >> 8 == e.code >> 8,
                          next.units.count == 1, next.units[0] == e.units[0] &+ step,
                          next.units[0] >> 8 == e.units[0] >> 8 else { break }
                    j += 1
                }
            }
            if j > i {
                ranges.append((e.code, entries[j].code, e.units[0]))
            } else {
                singles.append(e)
            }
            i = j + 1
        }

        var out = """
        /CIDInit /ProcSet findresource begin
        12 dict begin
        begincmap
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
        /CMapName /Adobe-Identity-UCS def
        /CMapType 2 def
        1 begincodespacerange
        <0000> <FFFF>
        endcodespacerange

        """
        for chunkStart in stride(from: 0, to: ranges.count, by: 100) {
            let chunk = ranges[chunkStart..<min(chunkStart + 100, ranges.count)]
            out += "\(chunk.count) beginbfrange\n"
            for r in chunk { out += "<\(hex4(r.first))> <\(hex4(r.last))> <\(hex4(r.unit))>\n" }
            out += "endbfrange\n"
        }
        for chunkStart in stride(from: 0, to: singles.count, by: 100) {
            let chunk = singles[chunkStart..<min(chunkStart + 100, singles.count)]
            out += "\(chunk.count) beginbfchar\n"
            for s in chunk { out += "<\(hex4(s.code))> <\(s.units.map(hex4).joined())>\n" }
            out += "endbfchar\n"
        }
        out += """
        endcmap
        CMapName currentdict /CMap defineresource pop
        end
        end

        """
        return out
    }

    static func hex4(_ v: UInt16) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(v >> 12)], digits[Int((v >> 8) & 0xF)],
                                 digits[Int((v >> 4) & 0xF)], digits[Int(v & 0xF)]], as: UTF8.self)
    }
}
