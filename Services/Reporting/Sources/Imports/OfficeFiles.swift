import Foundation
import KitOffice
import Models

/// The registries' spreadsheet files over KitOffice: templates that carry their program,
/// registry and version (a hidden sheet `_meta` and defined names `qs_program`, `qs_registry`,
/// `qs_version`), the reading of a filled .xlsx into rows of text, and .xlsx exports.
enum OfficeFiles {
    static let metaSheet = "_meta"
    /// Marks a cell that holds no usable value (an error value, a date that is no date).
    static let unusable = "\u{1}"
    static let unusableScalar: Unicode.Scalar = "\u{1}"

    static func isZip(_ body: [UInt8]) -> Bool {
        body.count >= 4 && ((body[0] == 0x50 && body[1] == 0x4B) || (body[0] == 0xD0 && body[1] == 0xCF && body[2] == 0x11 && body[3] == 0xE0))
    }

    /// The template of a registry version: its columns in bold, the metadata hidden.
    static func template(_ def: RegistryDefinition) throws -> [UInt8] {
        let header = Sheet(name: def.shortName, rows: [def.columns.map { Cell.text($0) }],
                           columnWidths: def.columns.map { Double(max(12, $0.count * 2 + 2)) }, boldHeader: true)
        let help = Sheet(name: "填写说明", rows: [["字段", "类型", "必填", "说明"].map { Cell.text($0) }] + def.fields.map { f in
            var rule = f.help
            if let min = f.minValue, let max = f.maxValue { rule = "\(min)–\(max)" + (rule.isEmpty ? "" : "；" + rule) }
            if !f.choices.isEmpty { rule = "可选：" + f.choices.joined(separator: "、") }
            return [.text(f.label), .text(typeName(f.type)), .text(f.required ? "是" : "否"), .text(rule)]
        }, columnWidths: [18, 8, 6, 50], boldHeader: true)
        return try XLSXWriter.data(stamped([header, help], [("program", def.programCode), ("registry", def.code),
                                                             ("version", def.version)]))
    }

    /// A template's workbook: `sheets` and what it is a template of, as a very hidden sheet
    /// `_meta` (key, value rows) and defined names `qs_<key>` (registries: program, registry,
    /// version; forms: program, form, version).
    static func stamped(_ sheets: [Sheet], _ meta: [(String, String)]) -> Workbook {
        let hidden = Sheet(name: metaSheet, state: .veryHidden, rows: meta.map { [.text($0.0), .text($0.1)] })
        var names: [String: String] = [:]
        for (k, v) in meta { names["qs_" + k] = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return Workbook(sheets: sheets + [hidden], definedNames: names)
    }

    static func typeName(_ t: RegistryFieldType) -> String {
        switch t {
        case .text: return "文本"
        case .integer: return "整数"
        case .decimal: return "数字"
        case .date: return "日期"
        case .choice: return "选项"
        }
    }

    /// What a workbook says it is a template of (nil when it carries no metadata).
    static func templateIdentity(_ wb: Workbook) -> (registry: String, version: String)? {
        let meta = templateMeta(wb)
        if let r = meta["registry"], let v = meta["version"] { return (r, v) }
        return nil
    }

    /// The metadata a template carries (`stamped`): the defined names `qs_<key>` when they are
    /// there, otherwise the `_meta` sheet's key, value rows. Empty for any other workbook.
    static func templateMeta(_ wb: Workbook) -> [String: String] {
        var fromNames: [String: String] = [:]
        for (key, v) in wb.definedNames where key.hasPrefix("qs_") {
            let t = v.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("\""), t.hasSuffix("\""), t.count >= 2 {
                fromNames[String(key.dropFirst(3))] = String(t.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
            }
        }
        if fromNames["version"] != nil { return fromNames }
        var map: [String: String] = [:]
        if let meta = wb.sheet(named: metaSheet) {
            for row in meta.rows.prefix(50) where row.count >= 2 {
                if case .text(let k) = row[0] { map[k] = text(row[1]) }
            }
        }
        return map
    }

    /// The rows of the first visible sheet as text, and the template identity.
    static func rows(_ body: [UInt8]) throws -> (rows: [[String]], identity: (registry: String, version: String)?) {
        let (rows, wb) = try sheetRows(body, maxRows: Imports.maxRows + 1, maxColumns: 200)
        return (rows, templateIdentity(wb))
    }

    /// The first visible sheet's rows as text and the workbook (for its metadata); hostile or
    /// broken files are refused with the reader's code (422, field `file`).
    static func sheetRows(_ body: [UInt8], maxRows: Int, maxColumns: Int) throws -> (rows: [[String]], workbook: Workbook) {
        let wb: Workbook
        do {
            wb = try XLSXReader.read(bytes: body, limits: XLSXLimits(maxRows: maxRows, maxColumns: maxColumns))
        } catch let e as OfficeError {
            throw APIError(422, e.code, e.message, field: "file")
        }
        guard let sheet = wb.sheets.first(where: { $0.state == .visible }) else {
            throw APIError(422, "empty_file", "工作簿中没有可见的工作表", field: "file")
        }
        return (sheet.rows.map { $0.map(text) }, wb)
    }

    /// A cell as the text the value checks read.
    static func text(_ c: Cell) -> String {
        switch c {
        case .empty, .noValue: return ""
        case .text(let s): return s
        case .number(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return d.isFinite ? "\(d)" : unusable
        case .date(let d): return d.description
        case .bool(let b): return b ? "是" : "否"
        case .error, .invalidDate: return unusable
        }
    }

    /// Rows to an .xlsx (first row the header, in bold).
    static func workbook(_ rows: [[Cell]], sheetName: String) throws -> [UInt8] {
        try XLSXWriter.data(Workbook(sheets: [Sheet(name: sheetName, rows: rows, boldHeader: true)]))
    }
}
