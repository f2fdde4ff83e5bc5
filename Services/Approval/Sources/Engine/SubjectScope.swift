import Models

/// The subject's place in the organisation tree (`86/33/3301/<orgId>`), and the part of it an
/// approver's grant must cover at each scope level.
struct SubjectScope: Sendable {
    let path: String
    let segments: [String]

    /// Validates a scope path: `86`, `86/<2-digit province>`, `86/<prov>/<4-digit city>`,
    /// then organisation nodes.
    init(_ path: String, provinceCode: String?, cityCode: String?) throws {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func bad(_ why: String) -> APIError { APIError.invalid("scopePath", why, code: "invalid_scope") }
        guard segments.first == "86", segments.count <= 6, segments.allSatisfy({ !$0.isEmpty && $0.count <= 64 }) else {
            throw bad("范围路径格式错误")
        }
        if segments.count > 1 {
            guard segments[1].count == 2, segments[1].allSatisfy(\.isASCIIDigit) else { throw bad("省级行政区划代码格式错误") }
        }
        if segments.count > 2 {
            guard segments[2].count == 4, segments[2].allSatisfy(\.isASCIIDigit), segments[2].hasPrefix(segments[1]) else {
                throw bad("市级行政区划代码格式错误")
            }
        }
        for seg in segments.dropFirst(3) where !seg.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }) {
            throw bad("机构节点格式错误")
        }
        if let provinceCode, segments.count > 1, provinceCode != segments[1] {
            throw APIError.invalid("provinceCode", "省份代码与范围路径不一致", code: "invalid_scope")
        }
        if let cityCode, segments.count > 2, cityCode != segments[2] {
            throw APIError.invalid("cityCode", "城市代码与范围路径不一致", code: "invalid_scope")
        }
        self.path = path
        self.segments = segments
    }

    var provinceCode: String? { segments.count > 1 ? segments[1] : nil }
    var cityCode: String? { segments.count > 2 ? segments[2] : nil }

    /// The path an approver's grant must cover at `level`; 422 when the subject's scope does
    /// not reach that level (an institution stage needs an institution node).
    func path(at level: ScopeLevel) throws -> String {
        let need: Int
        switch level {
        case .nation, .platform: need = 1
        case .province: need = 2
        case .city: need = 3
        case .institution: need = 4
        }
        guard segments.count >= need else {
            throw APIError.invalid("scopePath", "范围路径缺少\(level.title)一级，无法确定审批人", code: "scope_too_broad")
        }
        return segments.prefix(need).joined(separator: "/")
    }
}

extension ScopeLevel {
    var title: String {
        switch self {
        case .nation: return "全国"
        case .province: return "省"
        case .city: return "市"
        case .institution: return "医疗机构"
        case .platform: return "平台"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIIAlphanumeric: Bool { isASCII && (isLetter || isNumber) }
}
