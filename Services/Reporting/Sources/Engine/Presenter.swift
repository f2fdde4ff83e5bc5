import Foundation

/// Builds the API's views from records. No SQL.
enum Presenter {
    static func window(_ w: Window?, now: Date) -> WindowView? {
        w.map { WindowView(opensAt: $0.opensAt, closesAt: $0.closesAt, deadline: $0.deadline, daysLeft: $0.daysLeft(now: now)) }
    }

    static func program(_ p: ProgramRecord, enrolled: Bool, forms: [ProgramView.Form]? = nil) -> ProgramView {
        ProgramView(code: p.code, name: p.name, description: p.description, periodType: p.periodType.rawValue,
                    windowRule: p.windowRule.rawValue, deadlineRule: p.deadlineText, lateEntry: p.lateEntry,
                    entryRoles: p.entryRoles, readerRoles: p.readerRoles, reviewerRoles: p.reviewerRoles,
                    enrolled: enrolled, forms: forms)
    }

    static func formula(_ ind: IndicatorRecord, _ def: FormDefinition) -> String? {
        guard let kind = ind.formula else { return nil }
        let names = ind.operands.map { def.indicator($0)?.name ?? $0 }
        switch kind {
        case .sum: return names.joined(separator: " + ")
        case .ratio: return names.joined(separator: " / ") + " × \(ind.factor)"
        }
    }

    struct FormContext {
        var program: ProgramRecord
        var form: FormRecord
        var definition: FormDefinition
        var period: Period
        var window: Window?
        var report: ReportRecord?
        var values: [String: StoredValue]
        var canEnter: Bool
        var review: ReviewRecord? = nil
        var modification: ReviewRecord? = nil
    }

    static func review(_ r: ReviewRecord?) -> ReviewView? {
        r.map { ReviewView(status: $0.status, statusLabel: reviewLabel($0), reason: $0.reason, opinion: $0.opinion,
                           openedBy: $0.openedByName, openedAt: $0.openedAt, decidedAt: $0.decidedAt) }
    }

    static func reviewLabel(_ r: ReviewRecord) -> String {
        switch (r.kind, r.status) {
        case ("review", "open"): return "审核中"
        case ("review", "approved"): return "审核通过"
        case ("review", "returned"): return "已退回"
        case (_, "withdrawn"): return "已撤回"
        case ("modification", "open"): return "申请修改审批中"
        case ("modification", "approved"): return "申请修改已批准"
        default: return "申请修改未通过"
        }
    }

    static func form(_ c: FormContext, now: Date, problems: [FieldProblem]? = nil, saved: Int? = nil) -> FormView {
        var lock = EntryState.lock(status: c.report?.status, window: c.window, lateEntry: c.program.lateEntry, now: now)
        if lock == nil && !c.canEnter {
            lock = Lock(code: "read_only_role", message: "您的角色只能查看，不能填报")
        }
        if lock != nil, c.modification?.status == "open", c.report?.status.editable == false {
            lock = Lock(code: "modification_pending", message: "已申请修改，正在等待审批，数据只读")
        }
        let canRequestModification = c.canEnter && c.program.modificationChain != nil
            && (c.report?.status == .submitted || c.report?.status == .accepted) && c.modification?.status != "open"
        let status = EntryState.status(c.report?.status, window: c.window, now: now)
        let def = c.definition
        return FormView(
            report: c.report.map { .init(id: $0.id, status: $0.status.rawValue, createdAt: $0.createdAt,
                                         updatedAt: $0.updatedAt, submittedAt: $0.submittedAt) },
            program: .init(code: c.program.code, name: c.program.name),
            form: .init(code: c.form.code, name: c.form.name),
            version: .init(code: def.version.code, name: def.version.name),
            period: c.period.key, periodLabel: c.period.label, window: window(c.window, now: now),
            lateEntry: c.program.lateEntry, status: status.code, statusLabel: status.label,
            readOnly: lock != nil, lock: lock,
            indicators: def.indicators.map { ind in
                IndicatorView(code: ind.code, name: ind.name, category: ind.category, unit: ind.unit, type: ind.type.rawValue,
                              required: ind.required, min: ind.minValue, max: ind.maxValue, decimals: ind.decimals,
                              choices: ind.choices.isEmpty ? nil : ind.choices, help: ind.help, computed: ind.computed,
                              formula: formula(ind, def), value: OutputValue(c.values[ind.code]))
            },
            rules: def.rules.map { RuleView(fields: $0.leftCodes + [$0.rightCode], message: $0.message) },
            problems: problems, saved: saved,
            review: review(c.review), modification: review(c.modification),
            canRequestModification: canRequestModification, reopenedAt: c.report?.reopenedAt)
    }

    static func edit(_ e: EditRecord) -> EditView {
        EditView(id: e.id, indicator: e.indicatorCode, indicatorName: e.indicatorName, actorId: e.actorID,
                 actorName: e.actorName, source: e.source, old: OutputValue(e.old), new: OutputValue(e.new), at: e.at)
    }
}
