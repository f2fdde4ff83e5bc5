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
        let meta = Sheet(name: metaSheet, state: .veryHidden,
                         rows: [[.text("program"), .text(def.programCode)], [.text("registry"), .text(def.code)],
                                [.text("version"), .text(def.version)]])
        return try XLSXWriter.data(Workbook(sheets: [header, help, meta], definedNames: [
            "qs_program": "\"\(def.programCode)\"", "qs_registry": "\"\(def.code)\"", "qs_version": "\"\(def.version)\""]))
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
        func name(_ key: String) -> String? {
            if let v = wb.definedNames[key] {
                let t = v.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("\""), t.hasSuffix("\""), t.count >= 2 { return String(t.dropFirst().dropLast()) }
            }
            return nil
        }
        if let r = name("qs_registry"), let v = name("qs_version") { return (r, v) }
        if let meta = wb.sheet(named: metaSheet) {
            var map: [String: String] = [:]
            for row in meta.rows where row.count >= 2 {
                if case .text(let k) = row[0] { map[k] = text(row[1]) }
            }
            if let r = map["registry"], let v = map["version"] { return (r, v) }
        }
        return nil
    }

    /// The rows of the first visible sheet as text, and the template identity.
    static func rows(_ body: [UInt8]) throws -> (rows: [[String]], identity: (registry: String, version: String)?) {
        let wb: Workbook
        do {
            wb = try XLSXReader.read(bytes: body, limits: XLSXLimits(maxRows: Imports.maxRows + 1, maxColumns: 200))
        } catch let e as OfficeError {
            throw APIError(422, e.code, e.message, field: "file")
        }
        guard let sheet = wb.sheets.first(where: { $0.state == .visible }) else {
            throw APIError(422, "empty_file", "工作簿中没有可见的工作表", field: "file")
        }
        return (sheet.rows.map { $0.map(text) }, templateIdentity(wb))
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
