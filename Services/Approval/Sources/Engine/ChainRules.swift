import Models

/// What makes a chain a program may add: known roles, scope levels and rules, an
/// organisation kind for rule-all stages, at most 20 stages.
enum ChainRules {
    static let orgKinds = ["platform", "national_centre", "provincial_centre", "city_commission", "institution"]

    static func chain(code: String, body: ChainBody) throws -> Chain {
        guard Rules.isCode(code) else { throw APIError.invalid("code", "流程代码格式错误", code: "invalid_chain") }
        guard Rules.isCode(body.requestType) else {
            throw APIError.invalid("requestType", "申请类型格式错误", code: "invalid_type")
        }
        let name = try Rules.text(body.name, field: "name", max: 100, label: "流程名称")
        var decisions: [Decision] = []
        for raw in body.decisions ?? ["approve", "reject"] {
            guard let d = Decision(rawValue: raw) else {
                throw APIError.invalid("decisions", "审批结果只能是 approve、reject、return", code: "invalid_decision")
            }
            if !decisions.contains(d) { decisions.append(d) }
        }
        guard decisions.contains(.approve) else {
            throw APIError.invalid("decisions", "审批结果必须包含同意", code: "invalid_decision")
        }
        if let m = body.reasonMax, !(1...2000).contains(m) {
            throw APIError.invalid("reasonMax", "理由长度限制无效", code: "invalid_field")
        }
        guard (1...20).contains(body.stages.count) else {
            throw APIError.invalid("stages", "审批环节数量必须在1到20之间", code: "invalid_stages")
        }
        var stages: [ChainStage] = []
        for (i, s) in body.stages.enumerated() {
            let field = "stages.\(i)"
            let stageName = try Rules.text(s.name, field: field + ".name", max: 100, label: "环节名称")
            guard Role(rawValue: s.role) != nil else { throw APIError.invalid(field + ".role", "角色无效", code: "invalid_role") }
            guard let scope = ScopeLevel(rawValue: s.scope) else {
                throw APIError.invalid(field + ".scope", "范围只能是 nation、province、city、institution、platform", code: "invalid_scope")
            }
            guard let rule = StageRule(rawValue: s.rule) else {
                throw APIError.invalid(field + ".rule", "规则只能是 any 或 all", code: "invalid_rule")
            }
            if rule == .all {
                guard let kind = s.orgKind, orgKinds.contains(kind) else {
                    throw APIError.invalid(field + ".orgKind", "“全部审批”环节必须指定单位类型", code: "invalid_org_kind")
                }
            }
            stages.append(ChainStage(index: i + 1, name: stageName, role: s.role, scope: scope,
                                     specialtyMatch: s.specialtyMatch ?? false, rule: rule,
                                     orgKind: rule == .all ? s.orgKind : nil))
        }
        return Chain(code: code, requestType: body.requestType, name: name, decisions: decisions,
                     specialtyRequired: body.specialtyRequired ?? false, reasonRequired: body.reasonRequired ?? false,
                     reasonMax: body.reasonMax, active: body.active ?? true, stages: stages)
    }
}
