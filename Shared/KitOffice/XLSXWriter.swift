/// Writes a minimal valid .xlsx: `[Content_Types].xml`, package and workbook relationships, the workbook
/// (sheets, hidden ones, defined names), one worksheet per sheet, shared strings and styles (a date and a
/// date-time format, a bold font for header rows). Opens in Excel, LibreOffice and openpyxl.
///
/// Text is written as shared strings; characters XML 1.0 cannot hold are written as `_xHHHH_` (and a
/// literal `_xHHHH_` as `_x005F_xHHHH_`). Dates use the 1900 system. `noValue`, `empty` and
/// `invalidDate` cells are left out; non-finite numbers are written as `#NUM!`.
public struct XLSXWriter {
    public static func data(_ workbook: Workbook) throws -> [UInt8] {
        guard !workbook.sheets.isEmpty else { throw OfficeError.xlsxMalformed("没有工作表") }
        var seen = Set<String>()
        for s in workbook.sheets {
            guard isValidSheetName(s.name), seen.insert(s.name.lowercased()).inserted else {
                throw OfficeError.xlsxMalformed("工作表名称无效：\(s.name)")
            }
        }
        guard let active = workbook.sheets.firstIndex(where: { $0.state == .visible }) else {
            throw OfficeError.xlsxMalformed("至少需要一个可见工作表")
        }

        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        var zip = ZipWriter()
        var contentTypes = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
            """
        var wbRels = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        var sheetsXML = ""
        var sheetParts: [(String, String)] = []
        for (k, sheet) in workbook.sheets.enumerated() {
            let n = k + 1
            contentTypes += "<Override PartName=\"/xl/worksheets/sheet\(n).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            wbRels += "<Relationship Id=\"rId\(n)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(n).xml\"/>"
            let state = sheet.state == .visible ? "" : " state=\"\(sheet.state.rawValue)\""
            sheetsXML += "<sheet name=\"\(escape(sheet.name, attribute: true))\" sheetId=\"\(n)\"\(state) r:id=\"rId\(n)\"/>"
            sheetParts.append(("xl/worksheets/sheet\(n).xml",
                               worksheet(sheet, selected: k == active, strings: &strings, index: &stringIndex)))
        }
        let m = workbook.sheets.count
        wbRels += "<Relationship Id=\"rId\(m + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        wbRels += "<Relationship Id=\"rId\(m + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        wbRels += "</Relationships>"
        contentTypes += "</Types>"

        var names = ""
        if !workbook.definedNames.isEmpty {
            names = "<definedNames>"
            for (name, value) in workbook.definedNames.sorted(by: { $0.key < $1.key }) {
                names += "<definedName name=\"\(escape(name, attribute: true))\">\(escape(value))</definedName>"
            }
            names += "</definedNames>"
        }
        let wb = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <workbookPr/><bookViews><workbookView activeTab="\(active)"/></bookViews>\
            <sheets>\(sheetsXML)</sheets>\(names)</workbook>
            """
        var sst = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        sst += "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
        for s in strings {
            let space = s.first?.isWhitespace == true || s.last?.isWhitespace == true ? " xml:space=\"preserve\"" : ""
            sst += "<si><t\(space)>\(escape(s))</t></si>"
        }
        sst += "</sst>"

        try zip.add("[Content_Types].xml", Array(contentTypes.utf8))
        try zip.add("_rels/.rels", Array("""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """.utf8))
        try zip.add("xl/workbook.xml", Array(wb.utf8))
        try zip.add("xl/_rels/workbook.xml.rels", Array(wbRels.utf8))
        try zip.add("xl/styles.xml", Array(styles.utf8))
        try zip.add("xl/sharedStrings.xml", Array(sst.utf8))
        for (path, xml) in sheetParts { try zip.add(path, Array(xml.utf8)) }
        return try zip.finish()
    }

    /// Style indexes in `styles`: 0 general, 1 date, 2 date-time, 3 bold, 4 bold date, 5 bold date-time.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
        <numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="164" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
        <xf numFmtId="165" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    static func worksheet(_ sheet: Sheet, selected: Bool, strings: inout [String], index: inout [String: Int]) -> String {
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        x += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        x += "<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")/></sheetViews>"
        if !sheet.columnWidths.isEmpty {
            x += "<cols>"
            for (k, w) in sheet.columnWidths.enumerated() where w.isFinite && w > 0 {
                x += "<col min=\"\(k + 1)\" max=\"\(k + 1)\" width=\"\(number(min(w, 255)))\" customWidth=\"1\"/>"
            }
            x += "</cols>"
        }
        x += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            var cells = ""
            let bold = sheet.boldHeader && r == 0
            for (c, cell) in row.enumerated() {
                let ref = CellRef.column(c) + String(r + 1)
                let base = bold ? 3 : 0
                let s = base == 0 ? "" : " s=\"\(base)\""
                switch cell {
                case .empty, .noValue, .invalidDate:
                    continue
                case .text(let t):
                    let k: Int
                    if let existing = index[t] { k = existing } else { k = strings.count; strings.append(t); index[t] = k }
                    cells += "<c r=\"\(ref)\"\(s) t=\"s\"><v>\(k)</v></c>"
                case .number(let d):
                    if d.isFinite {
                        cells += "<c r=\"\(ref)\"\(s)><v>\(number(d))</v></c>"
                    } else {
                        cells += "<c r=\"\(ref)\"\(s) t=\"e\"><v>#NUM!</v></c>"
                    }
                case .date(let date):
                    guard let serial = date.serial() else { continue }
                    let style = base + (date.seconds == 0 ? 1 : 2)
                    cells += "<c r=\"\(ref)\" s=\"\(style)\"><v>\(number(serial))</v></c>"
                case .bool(let b):
                    cells += "<c r=\"\(ref)\"\(s) t=\"b\"><v>\(b ? 1 : 0)</v></c>"
                case .error(let e):
                    cells += "<c r=\"\(ref)\"\(s) t=\"e\"><v>\(escape(e))</v></c>"
                }
            }
            if !cells.isEmpty { x += "<row r=\"\(r + 1)\">\(cells)</row>" }
        }
        x += "</sheetData></worksheet>"
        return x
    }

    /// Shortest text that reads back as the same Double; integers without ".0".
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    static func isValidSheetName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 31, !name.hasPrefix("'"), !name.hasSuffix("'") else { return false }
        return !name.unicodeScalars.contains { "[]:*?/\\".unicodeScalars.contains($0) || $0.value < 0x20 }
    }

    /// XML escaping plus OOXML's `_xHHHH_` for characters XML 1.0 cannot hold.
    static func escape(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let scalars = Array(s.unicodeScalars)
        var k = 0
        while k < scalars.count {
            let c = scalars[k]
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            case "_" where isXEscape(scalars, k): out += "_x005F_"
            default:
                if (c.value < 0x20 && c != "\t" && c != "\n") || c.value == 0xFFFE || c.value == 0xFFFF {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    out += "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
            k += 1
        }
        return out
    }

    /// `_xHHHH_` starting at k.
    private static func isXEscape(_ s: [Unicode.Scalar], _ k: Int) -> Bool {
        guard k + 6 < s.count, s[k + 1] == "x", s[k + 6] == "_" else { return false }
        return s[(k + 2)...(k + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }
}
