import Models

/// The subject's place in the organisation tree, and the part of it an approver's grant must
/// cover at each scope level. Region segments carry GB/T 2260 six-digit codes:
/// `86/330000` (province), `86/330000/330100` (prefecture-level city),
/// `86/330000/330100/330106` (county), then organisation nodes (`…/<orgId>`): an institution
/// in a county `86/330000/330100/330106/<orgId>`, a provincial centre `86/330000/<orgId>`.
struct SubjectScope: Sendable {
    let path: String
    let segments: [String]
    /// How many leading segments are `86` and region codes (1 to 4).
    let regionDepth: Int

    /// Validates a scope path: `86`, a province code (two digits then `0000`), optionally a
    /// city code of that province (four digits then `00`, not `0000`) and a county code of
    /// that city (not ending `00`), then organisation nodes.
    init(_ path: String, provinceCode: String?, cityCode: String?) throws {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func bad(_ why: String) -> APIError { APIError.invalid("scopePath", why, code: "invalid_scope") }
        guard segments.first == "86", segments.count <= 8, segments.allSatisfy({ !$0.isEmpty && $0.count <= 64 }) else {
            throw bad("范围路径格式错误")
        }
        func isCode(_ s: String) -> Bool { s.utf8.count == 6 && s.allSatisfy(\.isASCIIDigit) }
        var depth = 1
        if segments.count > 1 {
            let p = segments[1]
            guard isCode(p), p.hasSuffix("0000"), !p.hasPrefix("00") else { throw bad("省级行政区划代码格式错误") }
            depth = 2
        }
        if segments.count > 2, isCode(segments[2]) {
            let c = segments[2]
            guard c.hasPrefix(segments[1].prefix(2)), c.hasSuffix("00"), !c.hasSuffix("0000") else {
                throw bad("市级行政区划代码格式错误")
            }
            depth = 3
            if segments.count > 3, isCode(segments[3]) {
                let county = segments[3]
                guard county.hasPrefix(c.prefix(4)), !county.hasSuffix("00") else { throw bad("县级行政区划代码格式错误") }
                depth = 4
            }
        }
        // organisation nodes: ids of letters, digits, - and _; never digits only (that would be a
        // region code out of place, or an old two- or four-digit one)
        for seg in segments.dropFirst(depth)
        where !seg.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }) || seg.allSatisfy(\.isASCIIDigit) {
            throw bad("机构节点格式错误")
        }
        self.path = path
        self.segments = segments
        self.regionDepth = depth
        if let provinceCode, segments.count > 1, provinceCode != segments[1] {
            throw APIError.invalid("provinceCode", "省份代码与范围路径不一致", code: "invalid_scope")
        }
        if let cityCode, let own = self.cityCode, cityCode != own {
            throw APIError.invalid("cityCode", "城市代码与范围路径不一致", code: "invalid_scope")
        }
    }

    var provinceCode: String? { segments.count > 1 ? segments[1] : nil }
    var cityCode: String? { regionDepth > 2 ? segments[2] : nil }
    var countyCode: String? { regionDepth > 3 ? segments[3] : nil }

    /// The path an approver's grant must cover at `level`; 422 when the subject's scope does
    /// not reach that level (an institution stage needs an institution node). The institution
    /// level is the first organisation node after the region codes.
    func path(at level: ScopeLevel) throws -> String {
        let need: Int
        switch level {
        case .nation, .platform: need = 1
        case .province: need = 2
        case .city: need = regionDepth >= 3 ? 3 : Int.max
        case .institution: need = regionDepth + 1
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
