import Foundation

/// A stored value: numbers in `num`, dates/choices/text in `txt`.
struct StoredValue: Sendable, Equatable {
    var num: Decimal?
    var txt: String?

    static func number(_ d: Decimal) -> StoredValue { StoredValue(num: d, txt: nil) }
    static func text(_ s: String) -> StoredValue { StoredValue(num: nil, txt: s) }
}

/// A value as a client sends it: a JSON number, a string, or null (clears the field).
enum InputValue: Decodable, Sendable {
    case null
    case number(Decimal)
    case string(String)
    case other

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if (try? c.decode(Bool.self)) != nil { self = .other }
        else if let d = try? c.decode(Decimal.self) { self = .number(d) }
        else { self = .other }
    }
}

/// One problem with one field (or a rule over fields), named in Chinese.
struct FieldProblem: Codable, Sendable, Equatable, Error {
    var field: String
    var name: String
    var category: String?
    var code: String
    var message: String
}

/// A value refused: code and Chinese message (registry cells and fields, `ValueRules.checkNumber`).
struct CellError: Error, Equatable {
    let code: String
    let message: String
}

/// Checks and converts entered values, computes formulas, applies cross-field rules. No SQL.
enum ValueRules {
    static let maxIntegerDigits = 15

    /// The stored form of `input` for `ind` (nil clears it), or the problem with it.
    static func convert(_ input: InputValue, for ind: IndicatorRecord) -> Result<StoredValue?, FieldProblem> {
        func problem(_ code: String, _ message: String) -> Result<StoredValue?, FieldProblem> {
            .failure(FieldProblem(field: ind.code, name: ind.name, category: ind.category, code: code, message: message))
        }
        if ind.computed { return problem("read_only", "\(ind.label)为自动计算项，不能填写") }
        switch input {
        case .null: return .success(nil)
        case .other: return problem("invalid_value", "\(ind.label)格式错误")
        case .string(let s) where s.trimmingCharacters(in: .whitespaces).isEmpty: return .success(nil)
        default: break
        }
        if ind.type.isNumeric {
            let text: String
            switch input {
            case .number(let d): text = d.description
            case .string(let s): text = s.trimmingCharacters(in: .whitespaces)
            default: return problem("invalid_value", "\(ind.label)格式错误")
            }
            switch checkNumber(text, label: ind.label, integer: ind.type == .integer, decimals: ind.decimals,
                               min: ind.minValue, max: ind.maxValue) {
            case .success(let d): return .success(.number(d))
            case .failure(let e): return problem(e.code, e.message)
            }
        }
        guard case .string(let raw) = input else { return problem("invalid_value", "\(ind.label)请输入文字") }
        let s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch ind.type {
        case .date:
            guard isDate(s) else { return problem("invalid_value", "\(ind.label)请输入日期，格式为 YYYY-MM-DD") }
            return .success(.text(s))
        case .choice:
            guard ind.choices.contains(s) else {
                return problem("invalid_value", "\(ind.label)只能选择：\(ind.choices.joined(separator: "、"))")
            }
            return .success(.text(s))
        default:
            guard s.count <= ind.maxLength else { return problem("too_long", "\(ind.label)不能超过\(ind.maxLength)个字") }
            guard !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                return problem("invalid_value", "\(ind.label)包含非法字符")
            }
            return .success(.text(s))
        }
    }

    /// A number checked against its kind (integer or decimal with `decimals` places) and its
    /// bounds: the one rule of form indicators and registry fields.
    static func checkNumber(_ text: String, label: String, integer: Bool, decimals: Int, min: Decimal?,
                            max: Decimal?) -> Result<Decimal, CellError> {
        func fail(_ code: String, _ message: String) -> Result<Decimal, CellError> { .failure(CellError(code: code, message: message)) }
        guard let parsed = parseDecimal(text) else { return fail("invalid_value", integer ? "\(label)请输入整数" : "\(label)请输入数字") }
        if integer, parsed.fractionDigits > 0 { return fail("invalid_value", "\(label)请输入整数") }
        if !integer, parsed.fractionDigits > decimals { return fail("invalid_value", "\(label)最多保留\(decimals)位小数") }
        if let min, parsed.value < min { return fail("out_of_range", "\(label)不能小于\(min)") }
        if let max, parsed.value > max { return fail("out_of_range", "\(label)不能大于\(max)") }
        return .success(parsed.value)
    }

    /// A plain decimal: optional minus, 1…15 integer digits, optional fraction of 1…6 digits.
    static func parseDecimal(_ s: String) -> (value: Decimal, fractionDigits: Int)? {
        var b = Array(s.utf8)[...]
        guard !b.isEmpty, b.count <= 1 + maxIntegerDigits + 1 + 6 else { return nil }
        if b.first == 0x2D { b = b.dropFirst() }
        let intPart = b.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !intPart.isEmpty, intPart.count <= maxIntegerDigits else { return nil }
        var rest = b.dropFirst(intPart.count)
        var fraction = 0
        if let dot = rest.first {
            guard dot == 0x2E else { return nil }
            rest = rest.dropFirst()
            let frac = rest.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !frac.isEmpty, frac.count == rest.count, frac.count <= 6 else { return nil }
            // Trailing zeros do not count as decimals (12.50 has 1).
            let significant = frac.reversed().drop { $0 == 0x30 }
            fraction = significant.count
        }
        guard let value = Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return (value, fraction)
    }

    static func isDate(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return false }
        for i in [0, 1, 2, 3, 5, 6, 8, 9] where !(b[i] >= 0x30 && b[i] <= 0x39) { return false }
        guard let y = Int(s.prefix(4)), let m = Int(s.dropFirst(5).prefix(2)), let d = Int(s.suffix(2)),
              (1900...2100).contains(y), (1...12).contains(m), d >= 1 else { return false }
        let cal = Period.calendar
        guard let first = cal.date(from: DateComponents(year: y, month: m, day: 1)),
              let days = cal.range(of: .day, in: .month, for: first) else { return false }
        return days.contains(d)
    }

    /// The computed indicators' values from `values` (code → value), in position order so a
    /// sum may feed a ratio. A ratio with a missing part or a zero denominator is empty.
    static func compute(_ def: FormDefinition, _ values: [String: StoredValue]) -> [String: StoredValue?] {
        var merged = values
        var out: [String: StoredValue?] = [:]
        for ind in def.indicators {
            guard let kind = ind.formula else { continue }
            let nums = ind.operands.map { merged[$0]?.num }
            var result: Decimal?
            switch kind {
            case .sum:
                if !nums.isEmpty, nums.allSatisfy({ $0 != nil }) { result = nums.reduce(Decimal(0)) { $0 + $1! } }
            case .ratio:
                if nums.count == 2, let n = nums[0], let d = nums[1], d != 0 { result = n / d * ind.factor }
            }
            let value = result.map { StoredValue.number(round($0, ind.type == .integer ? 0 : ind.decimals)) }
            out[ind.code] = value
            merged[ind.code] = value
        }
        return out
    }

    static func round(_ d: Decimal, _ scale: Int) -> Decimal {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, scale, .plain)
        return r
    }

    /// Rules whose fields are all filled and broken.
    static func brokenRules(_ def: FormDefinition, _ values: [String: StoredValue]) -> [FieldProblem] {
        def.rules.compactMap { rule in
            let left = rule.leftCodes.map { values[$0]?.num }
            guard let right = values[rule.rightCode]?.num, left.allSatisfy({ $0 != nil }) else { return nil }
            let sum = left.reduce(Decimal(0)) { $0 + $1! }
            guard sum > right else { return nil }
            let first = def.indicator(rule.leftCodes.first ?? rule.rightCode)
            return FieldProblem(field: rule.leftCodes.first ?? rule.rightCode, name: first?.name ?? "",
                                category: first?.category, code: "rule_violation", message: rule.message)
        }
    }

    /// Everything that keeps `values` from being submitted: missing required fields first (in
    /// form order), then broken rules.
    static func submissionProblems(_ def: FormDefinition, _ values: [String: StoredValue]) -> [FieldProblem] {
        var out: [FieldProblem] = []
        for ind in def.indicators where ind.required && !ind.computed {
            let v = values[ind.code]
            if v?.num == nil && (v?.txt ?? "").isEmpty {
                out.append(FieldProblem(field: ind.code, name: ind.name, category: ind.category, code: "missing",
                                        message: "\(ind.label)未填写"))
            }
        }
        return out + brokenRules(def, values)
    }
}
