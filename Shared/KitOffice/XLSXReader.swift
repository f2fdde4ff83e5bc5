import Foundation

public struct XLSXLimits: Sendable {
    public var maxRows: Int
    public var maxColumns: Int
    /// Cells held in memory over all sheets, the gaps before a cell included.
    public var maxCells: Int
    public var zip: ZipLimits

    public init(maxRows: Int = 200_000, maxColumns: Int = 1_024, maxCells: Int = 10_000_000, zip: ZipLimits = ZipLimits()) {
        self.maxRows = maxRows; self.maxColumns = maxColumns; self.maxCells = maxCells; self.zip = zip
    }
}

/// Reads the values of an .xlsx workbook (no formatting, no formulas' text).
///
/// What it honours (measured on Excel, openpyxl, xlsxwriter and LibreOffice files): the workbook part found
/// through `_rels/.rels`; sheets by their relationships; shared strings (rich-text runs joined, phonetic runs
/// left out) and inline strings; `_xHHHH_` escapes; cell positions computed from `r=` when present and
/// counted otherwise (`<dimension>` is ignored); dates from the cell's number format (built-in ids 14–22
/// and 45–47, Chinese 27–36 and 50–58, custom formats with y/m/d/h/s outside quotes and brackets); the 1904
/// date system; serial 60 of the 1900 system as `invalidDate`; a formula's cached value, or `noValue` when
/// there is none or the workbook asks for a full recalculation on load (`fullCalcOnLoad`, what openpyxl and
/// xlsxwriter write: xlsxwriter's cached 0 is stale). Refuses encrypted workbooks (an OLE container),
/// legacy .xls files, DOCTYPEs, zip bombs and more rows/columns/cells than the limits.
public struct XLSXReader {
    public static func read(_ data: Data, limits: XLSXLimits = XLSXLimits()) throws -> Workbook {
        try read(bytes: [UInt8](data), limits: limits)
    }

    public static func read(bytes: [UInt8], limits: XLSXLimits = XLSXLimits()) throws -> Workbook {
        if bytes.count >= 8, bytes[0...7].elementsEqual([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            // An OLE compound file: Excel's encrypted .xlsx (streams EncryptionInfo + EncryptedPackage,
            // named in UTF-16LE in the directory) or an old binary .xls. Either way nothing is parsed.
            throw containsUTF16LE(bytes, "EncryptedPackage") ? OfficeError.xlsxEncrypted : OfficeError.xlsLegacy
        }
        guard bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B else { throw OfficeError.xlsxNotWorkbook }
        let zip = try ZipArchive(bytes: bytes, limits: limits.zip)
        var parts = XLSXParts(zip: zip, limits: limits)
        return try parts.workbook()
    }
}

func containsUTF16LE(_ bytes: [UInt8], _ text: String) -> Bool {
    var needle: [UInt8] = []
    for u in text.utf16 { needle.append(UInt8(u & 0xFF)); needle.append(UInt8(u >> 8)) }
    guard bytes.count >= needle.count, let first = needle.first else { return false }
    var i = 0
    let last = bytes.count - needle.count
    while i <= last {
        if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
        i += 1
    }
    return false
}

struct XLSXParts {
    let zip: ZipArchive
    let limits: XLSXLimits
    var cellBudget: Int

    init(zip: ZipArchive, limits: XLSXLimits) {
        self.zip = zip
        self.limits = limits
        self.cellBudget = limits.maxCells
    }

    /// Bytes inflated so far over all parts: a part read again (many sheets pointing at one part) counts
    /// again, so the total cap holds for the work done, not only for the archive's declared sizes.
    var inflated = 0

    mutating func part(_ name: String) throws -> [UInt8]? {
        guard let entry = zip.entry(name) else { return nil }
        guard let sum = ByteReader.add(inflated, entry.uncompressedSize), sum <= limits.zip.maxTotalBytes else {
            throw OfficeError.zipBomb(entry.name)
        }
        inflated = sum
        return try zip.read(entry)
    }

    /// Relationships of a part: id → (type, resolved target path).
    mutating func relationships(of partPath: String) throws -> [String: (type: String, target: String)] {
        let dir = partPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let file = partPath.split(separator: "/").last.map(String.init) ?? partPath
        let relsPath = (dir.isEmpty ? "" : dir + "/") + "_rels/" + file + ".rels"
        guard let bytes = try part(relsPath) else { return [:] }
        var p = try XMLPullParser(bytes)
        var out: [String: (type: String, target: String)] = [:]
        while let e = try p.next() {
            guard case .start(let name, let attrs) = e, localName(name) == "Relationship" else { continue }
            guard let id = attrs.value("Id"), let target = attrs.value("Target") else { continue }
            if attrs.value("TargetMode") == "External" { continue }
            out[id] = (attrs.value("Type") ?? "", Self.resolve(target, from: dir))
        }
        return out
    }

    static func resolve(_ target: String, from dir: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : dir.split(separator: "/")
        for piece in target.split(separator: "/") {
            if piece == ".." { if !parts.isEmpty { parts.removeLast() } } else if piece != "." { parts.append(piece) }
        }
        return parts.joined(separator: "/")
    }

    mutating func workbook() throws -> Workbook {
        var workbookPath = "xl/workbook.xml"
        for (_, rel) in try relationships(of: "") where rel.type.hasSuffix("/officeDocument") {
            workbookPath = rel.target
        }
        guard let wbBytes = try part(workbookPath) else {
            if zip.entry("EncryptionInfo") != nil { throw OfficeError.xlsxEncrypted }
            throw OfficeError.xlsxMissingPart(workbookPath)
        }
        let rels = try relationships(of: workbookPath)

        // workbook.xml
        struct SheetRef { let name: String; let state: SheetState; let rid: String }
        var refs: [SheetRef] = []
        var definedNames: [(name: String, local: Int?, value: String)] = []
        var date1904 = false
        var recalc = false
        var p = try XMLPullParser(wbBytes)
        while let e = try p.next() {
            guard case .start(let raw, let attrs) = e else { continue }
            switch localName(raw) {
            case "workbookPr":
                let v = attrs.value("date1904")
                date1904 = v == "1" || v == "true"
            case "calcPr":
                let v = attrs.value("fullCalcOnLoad")
                recalc = v == "1" || v == "true"
            case "sheet":
                guard let name = attrs.value("name"), let rid = attrs.prefixedValue(local: "id") else {
                    throw OfficeError.xlsxMalformed("sheet")
                }
                let state = SheetState(rawValue: attrs.value("state") ?? "visible") ?? .visible
                refs.append(SheetRef(name: name, state: state, rid: rid))
            case "definedName":
                guard let name = attrs.value("name") else { throw OfficeError.xlsxMalformed("definedName") }
                let local = attrs.value("localSheetId").flatMap { Int($0) }
                definedNames.append((name, local, try p.readText()))
            default: break
            }
        }
        guard !refs.isEmpty else { throw OfficeError.xlsxMalformed("没有工作表") }

        var sharedStrings: [String] = []
        var styles = DateStyles()
        for (_, rel) in rels {
            if rel.type.hasSuffix("/sharedStrings"), let b = try part(rel.target) { sharedStrings = try Self.sharedStrings(b) }
            if rel.type.hasSuffix("/styles"), let b = try part(rel.target) { styles = try DateStyles(b) }
        }

        var sheets: [Sheet] = []
        for ref in refs {
            guard let rel = rels[ref.rid] else { throw OfficeError.xlsxMissingPart(ref.name) }
            var rows: [[Cell]] = []
            if rel.type.hasSuffix("/worksheet") {
                guard let b = try part(rel.target) else { throw OfficeError.xlsxMissingPart(rel.target) }
                rows = try sheetRows(b, shared: sharedStrings, styles: styles, date1904: date1904, recalc: recalc)
            }
            sheets.append(Sheet(name: ref.name, state: ref.state, rows: rows))
        }
        var names: [String: String] = [:]
        for d in definedNames {
            if let local = d.local {
                guard refs.indices.contains(local) else { continue }
                names[refs[local].name + "!" + d.name] = d.value
            } else {
                names[d.name] = d.value
            }
        }
        return Workbook(sheets: sheets, definedNames: names, date1904: date1904)
    }

    static func sharedStrings(_ bytes: [UInt8]) throws -> [String] {
        var p = try XMLPullParser(bytes)
        var out: [String] = []
        var current: String?
        var inT = false
        var phonetic = 0
        while let e = try p.next() {
            switch e {
            case .start(let raw, _):
                switch localName(raw) {
                case "si": current = ""
                case "t": inT = true
                case "rPh": phonetic += 1
                default: break
                }
            case .end(let raw):
                switch localName(raw) {
                case "si": out.append(unescapeX(current ?? "")); current = nil
                case "t": inT = false
                case "rPh": phonetic -= 1
                default: break
                }
            case .text(let t):
                if inT && phonetic == 0 && current != nil { current! += t }
            }
        }
        return out
    }

    mutating func sheetRows(_ bytes: [UInt8], shared: [String], styles: DateStyles, date1904: Bool,
                            recalc: Bool) throws -> [[Cell]] {
        var p = try XMLPullParser(bytes)
        var rows: [[Cell]] = []
        var rowIndex = -1
        var inSheetData = false
        var row: [Cell] = []
        var col = -1
        // The cell being read.
        var cType = "n", cStyle = 0, value: String?, hasFormula = false, inline: String?
        var inV = false, inInlineT = false, inIs = false, inCell = false

        func flushRow(_ rows: inout [[Cell]], _ row: inout [Cell], at index: Int) throws {
            guard index >= 0 else { return }
            if !row.isEmpty {
                while rows.count < index { rows.append([]) }
                rows.append(row)
            }
            row = []
        }

        while let e = try p.next() {
            switch e {
            case .start(let raw, let attrs):
                let name = localName(raw)
                if !inSheetData {
                    if name == "sheetData" { inSheetData = true }
                    continue
                }
                switch name {
                case "row":
                    try flushRow(&rows, &row, at: rowIndex)
                    if let r = attrs.value("r") {
                        guard let v = Int(r), v >= 1, v - 1 > rowIndex else { throw OfficeError.xlsxMalformed("row r") }
                        rowIndex = v - 1
                    } else {
                        rowIndex += 1
                    }
                    guard rowIndex < limits.maxRows else { throw OfficeError.tooManyRows(limit: limits.maxRows) }
                    col = -1
                case "c":
                    if let r = attrs.value("r") {
                        guard let ref = CellRef.parse(r), ref.column > col else { throw OfficeError.xlsxMalformed("c r") }
                        col = ref.column
                    } else {
                        col += 1
                    }
                    guard col < limits.maxColumns else { throw OfficeError.tooManyColumns(limit: limits.maxColumns) }
                    cType = attrs.value("t") ?? "n"
                    cStyle = attrs.value("s").flatMap { Int($0) } ?? 0
                    value = nil; hasFormula = false; inline = nil; inCell = true
                    inV = false; inIs = false; inInlineT = false   // a <c> nested in a <v> starts afresh
                case "v" where inCell: inV = true; value = value ?? ""
                case "f" where inCell: hasFormula = true
                case "is" where inCell: inIs = true; inline = inline ?? ""
                case "t" where inIs: inInlineT = true
                case "rPh" where inIs: try p.skipElement()
                default: break
                }
            case .text(let t):
                if inV { value = (value ?? "") + t } else if inInlineT { inline = (inline ?? "") + t }
            case .end(let raw):
                let name = localName(raw)
                switch name {
                case "v": inV = false
                case "t": inInlineT = false
                case "is": inIs = false
                case "c" where inCell:
                    inCell = false
                    let cell = try makeCell(type: cType, style: cStyle, value: value, formula: hasFormula,
                                            inline: inline, shared: shared, styles: styles, date1904: date1904,
                                            recalc: recalc)
                    if cell != .empty {
                        guard rowIndex >= 0 else { throw OfficeError.xlsxMalformed("c outside row") }
                        let needed = col - row.count + 1
                        guard needed <= cellBudget else { throw OfficeError.tooManyColumns(limit: limits.maxColumns) }
                        cellBudget -= needed
                        while row.count < col { row.append(.empty) }
                        row.append(cell)
                    }
                case "sheetData":
                    try flushRow(&rows, &row, at: rowIndex)
                    rowIndex = -1
                    inSheetData = false
                default: break
                }
            }
        }
        return rows
    }

    func makeCell(type: String, style: Int, value: String?, formula: Bool, inline: String?, shared: [String],
                  styles: DateStyles, date1904: Bool, recalc: Bool) throws -> Cell {
        // An empty <v/> is no cached value either, except for a string result (t="str"), which may be "".
        if formula && (recalc || value == nil || (value == "" && type != "str")) { return .noValue }
        switch type {
        case "inlineStr":
            if let inline { return .text(Self.unescapeX(inline)) }
            return value.map { .text($0) } ?? .empty
        case "s":
            guard let v = value else { return .empty }
            guard let k = Int(v), shared.indices.contains(k) else { throw OfficeError.xlsxMalformed("shared string") }
            return .text(shared[k])
        case "str":
            return value.map { .text(Self.unescapeX($0)) } ?? .empty
        case "b":
            guard let v = value else { return .empty }
            return .bool(v == "1" || v == "true")
        case "e":
            return value.map { .error($0) } ?? .empty
        case "d":
            guard let v = value else { return .empty }
            return Self.isoDate(v).map { .date($0) } ?? .invalidDate(.nan)
        default:
            guard let raw = value else { return .empty }
            let v = raw.utf8.first == 0x20 || raw.utf8.last == 0x20 ? raw.trimmingCharacters(in: .whitespaces) : raw
            guard !v.isEmpty else { return .empty }
            guard let d = Double(v), d.isFinite else { throw OfficeError.xlsxMalformed("number") }
            if styles.isDate(style) {
                return ExcelDate.fromSerial(d, date1904: date1904).map { .date($0) } ?? .invalidDate(d)
            }
            return .number(d)
        }
    }

    /// `yyyy-mm-dd[Thh:mm[:ss[.fff]]]` (the `t="d"` cell type).
    static func isoDate(_ s: String) -> ExcelDate? {
        let b = Array(s.utf8)
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count else { return nil }
            var v = 0
            for k in r { guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }; v = v * 10 + Int(b[k] - 0x30) }
            return v
        }
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        var secs = 0
        if b.count > 10 {
            guard b[10] == 0x54 || b[10] == 0x20, let h = num(11..<13), b.count > 13, b[13] == 0x3A, let mi = num(14..<16),
                  h < 24, mi < 60 else { return nil }
            secs = h * 3600 + mi * 60
            if b.count > 16, b[16] == 0x3A, let s = num(17..<19), s < 60 { secs += s }
        }
        let date = ExcelDate(year: y, month: m, day: d, seconds: secs)
        return date.serial(date1904: true) != nil || date.serial() != nil ? date : nil
    }

    /// OOXML escapes characters XML cannot hold as `_xHHHH_` (and a literal `_x` as `_x005F_`).
    static func unescapeX(_ s: String) -> String {
        var maybe = false
        var previous: UInt8 = 0
        for b in s.utf8 {
            if previous == 0x5F && b == 0x78 { maybe = true; break }
            previous = b
        }
        guard maybe else { return s }
        let u = Array(s.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(u.count)
        var k = 0
        while k < u.count {
            if u[k] == 0x5F, k + 6 < u.count, u[k + 1] == 0x78, u[k + 6] == 0x5F,
               let v = UInt16(String(utf16CodeUnits: Array(u[(k + 2)..<(k + 6)]), count: 4), radix: 16) {
                out.append(v)
                k += 7
            } else {
                out.append(u[k])
                k += 1
            }
        }
        return String(decoding: out, as: UTF16.self)
    }
}

func localName(_ name: String) -> Substring {
    if let colon = name.lastIndex(of: ":") { return name[name.index(after: colon)...] }
    return name[...]
}

/// Which cell styles (indexes into `cellXfs`) format numbers as dates or times.
struct DateStyles {
    private var dateXfs: [Bool] = []

    init() {}

    init(_ bytes: [UInt8]) throws {
        var p = try XMLPullParser(bytes)
        var custom: [Int: String] = [:]
        var inCellXfs = false
        while let e = try p.next() {
            switch e {
            case .start(let raw, let attrs):
                switch localName(raw) {
                case "numFmt":
                    if let id = attrs.value("numFmtId").flatMap({ Int($0) }), let code = attrs.value("formatCode") { custom[id] = code }
                case "cellXfs": inCellXfs = true
                case "xf" where inCellXfs:
                    let id = attrs.value("numFmtId").flatMap { Int($0) } ?? 0
                    dateXfs.append(custom[id].map(Self.isDateFormat) ?? Self.isBuiltinDate(id))
                    if dateXfs.count > 65_536 { throw OfficeError.xlsxMalformed("styles") }
                default: break
                }
            case .end(let raw) where localName(raw) == "cellXfs": inCellXfs = false
            default: break
            }
        }
    }

    func isDate(_ style: Int) -> Bool { dateXfs.indices.contains(style) && dateXfs[style] }

    static func isBuiltinDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// A custom format is a date/time format when its first section has y, m, d, h or s outside quoted text,
    /// brackets (`[Red]`, `[$-804]`, `[h]`), backslash escapes and `_x`/`*x` paddings.
    static func isDateFormat(_ code: String) -> Bool {
        var quoted = false, bracket = false, skip = false
        for ch in code.unicodeScalars {
            if skip { skip = false; continue }
            if quoted { if ch == "\"" { quoted = false }; continue }
            if bracket { if ch == "]" { bracket = false }; continue }
            switch ch {
            case "\"": quoted = true
            case "[": bracket = true
            case "\\", "_", "*": skip = true
            case ";": return false
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S": return true
            default: continue
            }
        }
        return false
    }
}
