import Foundation
import Models

/// A registry field's type.
enum RegistryFieldType: String, Sendable, Codable {
    case text, integer, decimal, date, choice
}

/// One field of a registry version (a column of its template).
struct RegistryField: Sendable {
    let code: String
    let label: String
    let type: RegistryFieldType
    let required: Bool
    let isKey: Bool
    /// Personal data: sealed at rest, masked in lists, never exported.
    let identifier: Bool
    /// How an identifier is masked: `name`, `resident_id`, `mobile`.
    let mask: String?
    let minValue: Decimal?
    let maxValue: Decimal?
    let decimals: Int
    let maxLength: Int
    let choices: [String]
    let help: String
    /// The bounds as integers when they are whole (the plain-integer fast path compares these).
    let minInt: Int?
    let maxInt: Int?

    init(code: String, label: String, type: RegistryFieldType, required: Bool, isKey: Bool, identifier: Bool, mask: String?,
         minValue: Decimal?, maxValue: Decimal?, decimals: Int, maxLength: Int, choices: [String], help: String) {
        self.code = code; self.label = label; self.type = type; self.required = required; self.isKey = isKey
        self.identifier = identifier; self.mask = mask; self.minValue = minValue; self.maxValue = maxValue
        self.decimals = decimals; self.maxLength = maxLength; self.choices = choices; self.help = help
        func whole(_ d: Decimal?) -> Int? {
            guard let d, let n = Int(exactly: NSDecimalNumber(decimal: d).doubleValue), Decimal(n) == d else { return nil }
            return n
        }
        minInt = whole(minValue)
        maxInt = whole(maxValue)
    }
}

/// `field` is required when `whenField` holds `whenValue`.
struct RegistryRule: Sendable {
    let field: String
    let whenField: String
    let whenValue: String
    let message: String
}

/// A registry version of a program: fields in template order, the admission number first.
struct RegistryDefinition: Sendable {
    let id: String
    let programID: String
    let programCode: String
    let code: String
    let version: String
    let name: String
    let shortName: String
    let firstPeriod: String
    let lastPeriod: String?
    let fields: [RegistryField]
    let rules: [RegistryRule]

    var key: RegistryField { fields.first { $0.isKey } ?? fields[0] }
    var columns: [String] { fields.map(\.label) }
    func field(_ code: String) -> RegistryField? { fields.first { $0.code == code } }
    var identifiers: [RegistryField] { fields.filter(\.identifier) }
    /// The fields that leave the service in exports and lists in clear.
    var plainFields: [RegistryField] { fields.filter { !$0.identifier && !$0.isKey } }
}

/// One problem with one cell (imports) or one field (entry), in Chinese.
struct CellProblem: Codable, Sendable, Equatable {
    /// 1-based line of the file (the header is line 1); 0 for entry.
    var row: Int
    var column: String
    var field: String
    var value: String
    var code: String
    var message: String
}

/// A row that passed the cell checks: normalised text per field code; blanks left out.
struct CheckedRow: Sendable, Equatable {
    var admissionNo: String
    var values: [String: String]
    /// Required fields left blank (fatal only for a new case; an existing one keeps its value).
    var missing: [String]
}

/// Checks of registry values. No SQL, no state: the same rules for entry and imports.
enum CaseRules {
    static let maxAdmissionLength = 40

    /// The normalised text of `raw` for `field` (nil: blank), or (code, message).
    static func check(_ raw: String, _ field: RegistryField) -> Result<String?, CellError> {
        let s = trimmed(raw)
        if s.isEmpty { return .success(nil) }
        func fail(_ code: String, _ message: String) -> Result<String?, CellError> { .failure(CellError(code: code, message: message)) }
        for u in s.unicodeScalars where u.value < 0x20 || u.value == 0x7F {
            if u == OfficeFiles.unusableScalar { return fail("invalid_value", "\(field.label)单元格为错误值或无效日期") }
            return fail("invalid_value", "\(field.label)包含非法字符")
        }
        if field.isKey {
            guard s.utf8.count <= maxAdmissionLength,
                  s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }) else {
                return fail("invalid_value", "\(field.label)只能包含字母、数字、-和_，且不超过\(maxAdmissionLength)位")
            }
            return .success(s)
        }
        switch field.type {
        case .integer where s.utf8.count <= 15 && s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }):
            // Fast path for plain non-negative integers (most cells of a case list).
            guard let n = Int(s) else { return fail("invalid_value", "\(field.label)请输入整数") }
            if let min = field.minValue {
                let below: Bool
                if let m = field.minInt { below = n < m } else { below = Decimal(n) < min }
                if below { return fail("out_of_range", "\(field.label)不能小于\(min)") }
            }
            if let max = field.maxValue {
                let above: Bool
                if let m = field.maxInt { above = n > m } else { above = Decimal(n) > max }
                if above { return fail("out_of_range", "\(field.label)不能大于\(max)") }
            }
            return .success(String(n))
        case .integer, .decimal:
            return ValueRules.checkNumber(s, label: field.label, integer: field.type == .integer, decimals: field.decimals,
                                          min: field.minValue, max: field.maxValue).map { d -> String? in "\(d)" }
        case .date:
            guard let d = normaliseDate(s) else { return fail("invalid_value", "\(field.label)请输入日期，格式为 YYYY-MM-DD") }
            return .success(d)
        case .choice:
            guard field.choices.contains(s) else {
                return fail("invalid_value", "\(field.label)只能选择：\(field.choices.joined(separator: "、"))")
            }
            return .success(s)
        case .text:
            guard s.count <= field.maxLength else { return fail("too_long", "\(field.label)不能超过\(field.maxLength)个字") }
            switch field.mask {
            case "resident_id":
                guard ChineseFormats.isResidentID(s) else { return fail("invalid_value", "\(field.label)格式错误") }
                return .success(s.uppercased())
            case "mobile":
                guard s.utf8.count >= 7, s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else {
                    return fail("invalid_value", "\(field.label)格式错误")
                }
            default: break
            }
            return .success(s)
        }
    }

    /// Without surrounding white space (a fast path when there is none).
    static func trimmed(_ raw: String) -> String {
        guard let first = raw.unicodeScalars.first, let last = raw.unicodeScalars.last else { return raw }
        if !isSpace(first) && !isSpace(last) { return raw }
        return raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isBlank(_ raw: String) -> Bool {
        raw.unicodeScalars.allSatisfy(isSpace)
    }

    /// Unicode white space, without the property table for ASCII and for scalars above U+3000
    /// (the last white space scalar): most cells of an import.
    @inline(__always)
    static func isSpace(_ u: Unicode.Scalar) -> Bool {
        if u.value < 0x80 { return u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0D) }
        if u.value > 0x3000 { return false }
        return u.properties.isWhitespace
    }

    /// `2024-01-05`, `2024/1/5`, `2024.1.5` → `2024-01-05`; nil when not a real date (years
    /// 1900–2100; plain arithmetic, no calendar objects: this runs for every cell of an import).
    static func normaliseDate(_ s: String) -> String? {
        var parts: [Int] = []
        var digits: [Int] = []
        var current = 0
        var count = 0
        for b in s.utf8 {
            if b >= 0x30 && b <= 0x39 {
                current = current &* 10 &+ Int(b - 0x30)
                count += 1
                guard count <= 4 else { return nil }
            } else if b == 0x2D || b == 0x2F || b == 0x2E {
                guard count > 0, parts.count < 2 else { return nil }
                parts.append(current); digits.append(count); current = 0; count = 0
            } else {
                return nil
            }
        }
        guard count > 0 else { return nil }
        parts.append(current); digits.append(count)
        guard parts.count == 3, digits[0] == 4, (1...2).contains(digits[1]), (1...2).contains(digits[2]) else { return nil }
        let (y, m, d) = (parts[0], parts[1], parts[2])
        guard (1900...2100).contains(y), (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard d <= days else { return nil }
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(pad(m))-\(pad(d))"
    }

    /// Checks one row of cells in the definition's field order (`cells[i]` for `fields[i]`).
    /// Problems name the file's line `row`. Personal values are returned in clear here; the
    /// caller seals them.
    static func checkRow(_ def: RegistryDefinition, cells: [String], row: Int) -> (CheckedRow?, [CellProblem]) {
        var values: [String: String] = [:]
        var problems: [CellProblem] = []
        var missing: [String] = []
        var admission = ""
        for (i, field) in def.fields.enumerated() {
            let raw = i < cells.count ? cells[i] : ""
            switch check(raw, field) {
            case .success(let v?):
                if field.isKey { admission = v } else { values[field.code] = v }
            case .success(nil):
                if field.isKey {
                    problems.append(CellProblem(row: row, column: field.label, field: field.code, value: "", code: "missing",
                                                message: "\(field.label)不能为空"))
                } else if field.required {
                    missing.append(field.code)
                }
            case .failure(let e):
                problems.append(CellProblem(row: row, column: field.label, field: field.code, value: clip(raw), code: e.code,
                                            message: e.message))
            }
        }
        for rule in def.rules where values[rule.whenField] == rule.whenValue && values[rule.field] == nil {
            let label = def.field(rule.field)?.label ?? rule.field
            problems.append(CellProblem(row: row, column: label, field: rule.field, value: "", code: "rule_violation",
                                        message: rule.message))
        }
        guard problems.isEmpty else { return (nil, problems) }
        return (CheckedRow(admissionNo: admission, values: values, missing: missing), [])
    }

    /// Missing required fields and broken rules of a complete case (entry).
    static func completeness(_ def: RegistryDefinition, values: [String: String]) -> [CellProblem] {
        var out: [CellProblem] = []
        for f in def.fields where f.required && !f.isKey && values[f.code] == nil {
            out.append(CellProblem(row: 0, column: f.label, field: f.code, value: "", code: "missing", message: "\(f.label)不能为空"))
        }
        for rule in def.rules where values[rule.whenField] == rule.whenValue && values[rule.field] == nil {
            out.append(CellProblem(row: 0, column: def.field(rule.field)?.label ?? rule.field, field: rule.field, value: "",
                                   code: "rule_violation", message: rule.message))
        }
        return out
    }

    /// The header of a file against the definition: nil when it matches (labels in order,
    /// surrounding blanks and a trailing `*` ignored).
    static func headerMatches(_ header: [String], _ def: RegistryDefinition) -> Bool {
        let cleaned = normaliseHeader(header)
        return cleaned == def.columns
    }

    static func normaliseHeader(_ header: [String]) -> [String] {
        var h = header.map { cell -> String in
            var s = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            if s.hasPrefix("\u{FEFF}") { s.removeFirst() }
            if s.hasSuffix("*") { s.removeLast() }
            return s
        }
        while let last = h.last, last.isEmpty { h.removeLast() }
        return h
    }

    /// A masked identifier for lists.
    static func masked(_ value: String, _ field: RegistryField) -> String {
        switch field.mask {
        case "resident_id": return ChineseFormats.maskResidentID(value)
        case "mobile": return ChineseFormats.maskPhone(value)
        default: return ChineseFormats.maskName(value)
        }
    }

    static func clip(_ s: String) -> String { s.count > 100 ? String(s.prefix(100)) + "…" : s }
}
