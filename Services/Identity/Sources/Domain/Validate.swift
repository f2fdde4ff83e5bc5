import Models

/// Field checks shared by identity's handlers (Chinese messages, the field named).
enum Validate {
    static func name(_ s: String, field: String) throws {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard (2...30).contains(t.count) else { throw APIError.invalid(field, "姓名应为2至30个字符") }
    }

    static func text(_ s: String?, field: String, label: String, max: Int = 100, required: Bool = true) throws {
        let t = (s ?? "").trimmingCharacters(in: .whitespaces)
        if t.isEmpty {
            if required { throw APIError.invalid(field, "请填写\(label)", code: "missing_field") }
            return
        }
        guard t.count <= max else { throw APIError.invalid(field, "\(label)不能超过\(max)个字符") }
    }

    /// qc****78
    static func maskUsername(_ s: String) -> String {
        guard s.count > 4 else { return String(s.prefix(1)) + "***" }
        return String(s.prefix(2)) + String(repeating: "*", count: s.count - 4) + String(s.suffix(2))
    }
}
