import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// A submission refused: every missing or wrong field. The transaction rolls back, so a
/// refused submission changes nothing.
struct SubmissionRefused: Error {
    let problems: [FieldProblem]

    var message: String {
        let missing = problems.contains { $0.code == "missing" }
        let wrong = problems.contains { $0.code != "missing" }
        switch (missing, wrong) {
        case (true, true): return "以下参数值缺失或有误，请补充或修改"
        case (true, false): return "以下参数值缺失，请补充"
        default: return "以下参数值有误，请修改"
        }
    }
}

/// Enrolment, reports, entry and submission: the rules and state transitions, over the stores.
enum Entry {
    static let maxValuesPerSave = 1000

    // MARK: definitions

    static func program(_ conn: PGConnection, code: String) throws -> ProgramRecord {
        guard code.utf8.count <= 64, let p = try DefinitionStore.program(conn, code: code) else {
            throw APIError(404, "program_not_found", "填报项目不存在")
        }
        return p
    }

    /// The program of a stored row (a request, a binding): it exists (foreign key).
    static func program(_ conn: PGConnection, id: String) throws -> ProgramRecord {
        guard let p = try DefinitionStore.program(conn, id: id) else { throw PGError(kind: .query, message: "program \(id) vanished") }
        return p
    }

    static func period(_ key: String, _ program: ProgramRecord) throws -> Period {
        guard let p = Period.parse(key, program.periodType) else {
            let example: String
            switch program.periodType {
            case .week: example = "2019-W01"
            case .month: example = "2019-01"
            case .quarter: example = "2020-Q1"
            case .year: example = "2024"
            }
            throw APIError.invalid("period", "填报期间格式错误，应为 \(example) 的形式", code: "invalid_period")
        }
        return p
    }

    /// The period's entry window: the one the platform set for it (`program_windows`: NCIS's
    /// announced survey, or a rule program's period reopened or extended, 延期), else the rule's.
    static func window(_ conn: PGConnection, _ program: ProgramRecord, _ period: Period) throws -> Window? {
        if let set = try DefinitionStore.window(conn, programID: program.id, period: period.key) { return set }
        switch program.windowRule {
        case .offset: return program.offsetWindow(period)
        case .announced: return nil
        }
    }

    /// A program's windows read once, for lists that ask for many periods (`window` asks the
    /// database each time).
    struct Windows {
        let program: ProgramRecord
        let set: [String: Window]

        init(_ conn: PGConnection, _ program: ProgramRecord) throws {
            self.program = program
            set = try DefinitionStore.windows(conn, programID: program.id)
        }

        func window(_ period: Period) -> Window? {
            if let w = set[period.key] { return w }
            switch program.windowRule {
            case .offset: return program.offsetWindow(period)
            case .announced: return nil
            }
        }

        /// Periods the platform opened (announced, reopened or extended) that are open now, newest first.
        func openPeriods(at now: Date) -> [(String, Window)] {
            set.filter { $0.value.opensAt <= now && $0.value.closesAt > now }.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
        }
    }

    static func programView(_ context: ServiceContext, caller: Caller, code: String) throws -> ProgramView {
        try caller.requireProgram(code)
        return try context.database.withConnection { conn in
            let p = try program(conn, code: code)
            let enrolled = try caller.institution.map { try EnrolmentStore.isEnrolled(conn, programID: p.id, orgID: $0.orgID) } ?? false
            let forms = try DefinitionStore.forms(conn, programID: p.id).map { f in
                ProgramView.Form(code: f.code, name: f.name, versions: try DefinitionStore.versions(conn, formID: f.id).map {
                    .init(code: $0.code, name: $0.name, firstPeriod: $0.firstPeriod, lastPeriod: $0.lastPeriod)
                })
            }
            return Presenter.program(p, enrolled: enrolled, forms: forms)
        }
    }

    // MARK: enrolment (Enrolments.swift)

    // MARK: reports

    /// Opens (or finds) the caller's institution's report of a form and period.
    static func create(_ context: ServiceContext, caller: Caller, body: CreateReportBody, request: Request,
                       now: Date) throws -> (FormView, Bool) {
        let inst = try caller.requireInstitution()
        try caller.requireProgram(body.program)
        return try context.database.transaction { conn in
            let p = try program(conn, code: body.program)
            guard p.entered(by: inst.role) else { throw APIError(403, "forbidden", "您的角色不能填报该项目") }
            guard try EnrolmentStore.isEnrolled(conn, programID: p.id, orgID: inst.orgID) else {
                throw try Enrolments.notEnrolled(conn, programID: p.id, orgID: inst.orgID)
            }
            guard body.form.utf8.count <= 64, let form = try DefinitionStore.form(conn, programID: p.id, code: body.form) else {
                throw APIError(404, "form_not_found", "填报表单不存在")
            }
            let per = try period(body.period, p)
            if let existing = try ReportStore.find(conn, formID: form.id, orgID: inst.orgID, period: per.key) {
                return (try view(conn, existing, program: p, canEnter: true, now: now), false)
            }
            guard let version = try DefinitionStore.version(conn, formID: form.id, period: per.key) else {
                throw APIError.invalid("period", "该期间没有可用的指标版本", code: "no_form_version")
            }
            let w = try window(conn, p, per)
            if let lock = EntryState.lock(status: nil, window: w, lateEntry: p.lateEntry, now: now) { throw lock.error }
            let id = ID.new()
            _ = try ReportStore.insert(conn, id: id, programID: p.id, formID: form.id, versionID: version.id,
                                       orgID: inst.orgID, scopePath: inst.scopePath, period: per.key, by: caller.id)
            guard let r = try ReportStore.find(conn, formID: form.id, orgID: inst.orgID, period: per.key) else {
                throw APIError.internalError
            }
            if r.id == id { try CarryOver.fill(conn, r, caller: caller) }
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "report.create",
                                              objectType: "report", objectID: r.id,
                                              newValue: Audit.json(["program": p.code, "form": form.code, "period": per.key,
                                                                    "version": version.code, "status": "draft"]),
                                              request: request))
            return (try view(conn, r, program: p, canEnter: true, now: now), r.id == id)
        }
    }

    /// The form of a period for the caller's institution, whether or not a report exists yet.
    static func formForPeriod(_ context: ServiceContext, caller: Caller, programCode: String, formCode: String,
                              periodKey: String, now: Date) throws -> FormView {
        let inst = try caller.requireInstitution()
        try caller.requireProgram(programCode)
        return try context.database.withConnection { conn in
            let p = try program(conn, code: programCode)
            guard formCode.utf8.count <= 64, let form = try DefinitionStore.form(conn, programID: p.id, code: formCode) else {
                throw APIError(404, "form_not_found", "填报表单不存在")
            }
            let per = try period(periodKey, p)
            if let r = try ReportStore.find(conn, formID: form.id, orgID: inst.orgID, period: per.key) {
                return try view(conn, r, program: p, canEnter: p.entered(by: inst.role), now: now)
            }
            guard let version = try DefinitionStore.version(conn, formID: form.id, period: per.key) else {
                throw APIError.invalid("period", "该期间没有可用的指标版本", code: "no_form_version")
            }
            let def = try DefinitionStore.definition(conn, version: version)
            return Presenter.form(.init(program: p, form: form, definition: def, period: per, window: try window(conn, p, per),
                                        report: nil, values: [:], canEnter: p.entered(by: inst.role)), now: now)
        }
    }

    static func show(_ context: ServiceContext, caller: Caller, id: String, now: Date) throws -> FormView {
        try context.database.withConnection { conn in
            guard ID.isValid(id), let (r, enters) = try ReportStore.visible(conn, id: id, caller: caller) else {
                throw APIError.notFound
            }
            try caller.requireProgram(r.programCode)
            return try view(conn, r, program: try program(conn, code: r.programCode), canEnter: enters, now: now)
        }
    }

    /// Saves a partial draft: valid values are stored (each change logged), formulas
    /// recomputed; invalid ones are answered per field and not stored.
    static func save(_ context: ServiceContext, caller: Caller, id: String, body: SaveValuesBody, request: Request,
                     now: Date) throws -> FormView {
        guard body.values.count <= maxValuesPerSave else {
            throw APIError.invalid("values", "一次最多保存\(maxValuesPerSave)项", code: "too_many_values")
        }
        return try context.database.transaction { conn in
            try save(conn, caller: caller, id: id, body: body, request: request, now: now)
        }
    }

    /// A draft save in the caller's transaction. `source` names the edit-log entries ("entry",
    /// "import": a form template's import); `expect` sees the locked report's values first and
    /// may refuse (an import whose dry run is stale).
    static func save(_ conn: PGConnection, caller: Caller, id: String, body: SaveValuesBody, request: Request, now: Date,
                     source: String = "entry",
                     expect: (ReportRecord, [String: StoredValue]) throws -> Void = { _, _ in }) throws -> FormView {
            let (r, p, per, w, def) = try lockForChange(conn, caller: caller, id: id, now: now)
            var values = try ValueStore.values(conn, reportID: r.id)
            try expect(r, values)
            var problems: [FieldProblem] = []
            var changes: [ValueStore.Change] = []
            var saved = 0
            let ordered = body.values.sorted { (def.indicator($0.key)?.position ?? Int.max, $0.key) < (def.indicator($1.key)?.position ?? Int.max, $1.key) }
            for (code, input) in ordered {
                guard let ind = def.indicator(code) else {
                    problems.append(FieldProblem(field: String(code.prefix(32)), name: "", category: nil, code: "unknown_indicator",
                                                 message: "该表单没有指标 \(code.prefix(32))"))
                    continue
                }
                switch ValueRules.convert(input, for: ind) {
                case .failure(let problem): problems.append(problem)
                case .success(let new):
                    let old = values[code]
                    guard old != new else { continue }
                    changes.append(.init(indicatorID: ind.id, old: old, new: new))
                    values[code] = new
                    saved += 1
                }
            }
            try ValueStore.writeAll(conn, reportID: r.id, changes: changes, actorID: caller.id, actorName: caller.name,
                                    source: source)
            try applyFormulas(conn, r, def, &values, caller: caller)
            problems += ValueRules.brokenRules(def, values)
            problems += try Checks.applyComments(conn, r, def, body.comments, caller: caller,
                                                confirming: body.values.keys.filter { code in !problems.contains { $0.field == code && $0.code != "rule_violation" } })
            if saved > 0 {
                try ReportStore.touch(conn, id: r.id)
                try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: r.orgID, action: "report.save",
                                                  objectType: "report", objectID: r.id,
                                                  newValue: Audit.json(["changed": saved]), request: request))
            }
            let form = try formRecord(conn, r)
            let fresh = try ReportStore.find(conn, formID: r.formID, orgID: r.orgID, period: r.period) ?? r
            return try Checks.annotate(conn, Presenter.form(.init(program: p, form: form, definition: def, period: per, window: w, report: fresh,
                                        values: values, canEnter: true,
                                        review: try ReviewStore.latest(conn, reportID: r.id, kind: "review"),
                                        modification: try ReviewStore.latest(conn, reportID: r.id, kind: "modification")),
                                  now: now, problems: problems, saved: saved), fresh, def, values: values)
    }

    /// Computes formulas, checks everything and makes the report read-only; or refuses with
    /// the complete list of what is missing or wrong.
    /// Where the program reviews submissions (Zhejiang), the report goes under review and a
    /// request on the program's chain goes to approval through the outbox, in this transaction.
    static func submit(_ context: ServiceContext, caller: Caller, id: String, request: Request, now: Date) throws -> FormView {
        // The institution's name goes only with a review request: identity is asked only for a
        // program with review, once per institution (OrgNameCache), never for a plain submit.
        let inst = caller.institution
        let orgName = try inst.flatMap { g -> String? in
            guard ID.isValid(id), try context.database.withConnection({ try ReportStore.needsReview($0, id: id) }) else { return nil }
            return OrgNameCache.name(context, orgID: g.orgID)
        }
        return try context.database.transaction { conn in
            let (r, p, per, w, def) = try lockForChange(conn, caller: caller, id: id, now: now)
            var values = try ValueStore.values(conn, reportID: r.id)
            try applyFormulas(conn, r, def, &values, caller: caller)
            let (checks, found) = try Checks.submissionProblems(conn, r, def, values: values)
            let problems = ValueRules.submissionProblems(def, values) + checks
            guard problems.isEmpty else { throw SubmissionRefused(problems: problems) }
            let status: ReportStatus = p.reviewChain == nil ? .submitted : .underReview
            try ReportStore.submit(conn, id: r.id, by: caller.id, status: status)
            var opened: ReviewRecord?
            if let chain = p.reviewChain {
                opened = try Review.open(conn, kind: "review", chain: chain, report: r, program: p, definition: def,
                                         values: values, caller: caller, orgName: orgName, reason: nil)
            }
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: r.orgID, action: "report.submit",
                                              objectType: "report", objectID: r.id,
                                              oldValue: Audit.json(["status": r.status.rawValue]),
                                              newValue: Audit.json(["status": status.rawValue,
                                                                    "late": w?.isPast(now) == true ? "true" : "false",
                                                                    "review": opened?.subjectID ?? ""]),
                                              request: request))
            let fresh = try ReportStore.find(conn, formID: r.formID, orgID: r.orgID, period: r.period) ?? r
            // The answer from what is in hand: the values after the formulas, the review just
            // opened (none for a program without review).
            let answer = Presenter.form(.init(program: p, form: try formRecord(conn, fresh), definition: def, period: per,
                                              window: w, report: fresh, values: values, canEnter: true,
                                              review: p.reviewChain == nil ? nil : (try opened ?? ReviewStore.latest(conn, reportID: r.id, kind: "review")),
                                              modification: try ReviewStore.latest(conn, reportID: r.id, kind: "modification")),
                                        now: now)
            // The statistics in the same transaction: the report's contribution to every region
            // node above it, as delta rows (docs/statistics.md).
            try StatsStore.reportChanged(conn, reportID: r.id, from: r.status.rawValue, to: status.rawValue)
            return try Checks.annotate(conn, answer, fresh, def, values: values, found: found)
        }
    }

    /// Reports in the caller's scope, filtered; statuses as the institution sees them.
    static func list(_ context: ServiceContext, caller: Caller, program: String?, period: String?, status: String?,
                     after: String?, limit: Int, now: Date) throws -> [ReportListItem] {
        if let status, ReportStatus(rawValue: status) == nil {
            throw APIError.invalid("status", "状态只能是 draft、submitted、under_review、returned、accepted", code: "invalid_filter")
        }
        if let program, program.utf8.count > 64 { throw APIError.invalid("program", "填报项目代码无效", code: "invalid_filter") }
        if let program { try caller.requireProgram(program) }
        let program = program ?? caller.program
        if let period, period.utf8.count > 16 { throw APIError.invalid("period", "填报期间格式错误", code: "invalid_filter") }
        return try context.database.withConnection { conn in
            var programs: [String: Windows] = [:]
            return try ReportStore.list(conn, caller: caller, program: program, period: period, status: status,
                                        after: after, limit: limit).map { r, names in
                if programs[r.programCode] == nil { programs[r.programCode] = try Windows(conn, try self.program(conn, code: r.programCode)) }
                let windows = programs[r.programCode]!
                let p = windows.program
                let w = Period.parse(r.period, p.periodType).flatMap { windows.window($0) }
                let shown = EntryState.status(r.status, window: w, now: now)
                return ReportListItem(id: r.id, program: r.programCode, programName: names.programName, form: names.form,
                                      formName: names.formName, period: r.period, periodLabel: Period.parse(r.period, p.periodType)?.label ?? r.period,
                                      orgId: r.orgID,
                                      status: shown.code, statusLabel: shown.label, createdAt: r.createdAt,
                                      updatedAt: r.updatedAt, submittedAt: r.submittedAt)
            }
        }
    }

    static func edits(_ context: ServiceContext, caller: Caller, id: String, after: String?, limit: Int) throws -> [EditView] {
        try context.database.withConnection { conn in
            guard ID.isValid(id), let (r, _) = try ReportStore.visible(conn, id: id, caller: caller) else { throw APIError.notFound }
            try caller.requireProgram(r.programCode)
            return try ValueStore.edits(conn, reportID: id, after: after, limit: limit).map(Presenter.edit)
        }
    }

    // MARK: due list

    /// Every enrolled program's forms with open periods, the periods overdue since enrolment
    /// where late entry is allowed, and the institution's unfinished reports of other periods;
    /// with deadline, days left and status.
    static func due(_ context: ServiceContext, caller: Caller, now: Date) throws -> [DueItem] {
        let inst = try caller.requireInstitution()
        return try context.database.withConnection { conn in
            var items: [DueItem] = []
            for (p, enrolledAt) in try DefinitionStore.enrolledPrograms(conn, orgID: inst.orgID)
            where caller.program == nil || p.code == caller.program {
                let windows = try Windows(conn, p)
                var periods: [(Period, Window?)] = []
                if p.windowRule == .offset {
                    periods = p.duePeriods(enrolledAt: enrolledAt, now: now).map { ($0, windows.window($0)) }
                }
                // periods the platform opened (announced, reopened or extended) that are open now
                for (key, w) in windows.openPeriods(at: now) where !periods.contains(where: { $0.0.key == key }) {
                    if let per = Period.parse(key, p.periodType) { periods.append((per, w)) }
                }
                let reports = try ReportStore.ofOrganisation(conn, orgID: inst.orgID, programID: p.id)
                for r in reports where r.status.editable && !periods.contains(where: { $0.0.key == r.period }) {
                    if let per = Period.parse(r.period, p.periodType) { periods.append((per, windows.window(per))) }
                }
                periods.sort { $0.0.key > $1.0.key }
                for form in try DefinitionStore.forms(conn, programID: p.id) {
                    for (per, w) in periods {
                        let report = reports.first { $0.formID == form.id && $0.period == per.key }
                        if report == nil, try DefinitionStore.version(conn, formID: form.id, period: per.key) == nil { continue }
                        // A past period already submitted is done.
                        if let report, !report.status.editable, w?.isPast(now) == true { continue }
                        let status = EntryState.status(report?.status, window: w, now: now)
                        items.append(DueItem(program: p.code, programName: p.name, form: form.code, formName: form.name,
                                             period: per.key, periodLabel: per.label, window: Presenter.window(w, now: now),
                                             lateEntry: p.lateEntry, reportId: report?.id, status: status.code,
                                             statusLabel: status.label,
                                             lock: EntryState.lock(status: report?.status, window: w, lateEntry: p.lateEntry, now: now)))
                    }
                }
            }
            return items
        }
    }

    // MARK: announced windows (internal): NCIS's survey, or a rule program's period reopened or extended

    static func announce(_ context: ServiceContext, code: String, periodKey: String, body: AnnounceWindowBody,
                         request: Request) throws -> WindowView {
        guard body.closesAt > body.opensAt else {
            throw APIError.invalid("closesAt", "截止时间必须晚于开放时间", code: "invalid_window")
        }
        return try context.database.transaction { conn in
            let p = try program(conn, code: code)
            let per = try period(periodKey, p)
            let w = Window(opensAt: body.opensAt, closesAt: body.closesAt)
            try DefinitionStore.announce(conn, programID: p.id, period: per.key, window: w)
            try Audit.record(conn, AuditEntry(actorID: "internal", action: "window.announce", objectType: "program",
                                              objectID: p.code,
                                              newValue: Audit.json(["period": per.key, "opensAt": Time.rfc3339(w.opensAt),
                                                                    "closesAt": Time.rfc3339(w.closesAt)]), request: request))
            return Presenter.window(w, now: Date())!
        }
    }

    // MARK: helpers

    /// Locks the report for a change: 404 when the caller cannot see it, 403 when he only
    /// reads, 409 with the reason when it is locked.
    static func lockForChange(_ conn: PGConnection, caller: Caller, id: String, now: Date) throws
        -> (ReportRecord, ProgramRecord, Period, Window?, FormDefinition) {
        guard ID.isValid(id) else { throw APIError.notFound }
        guard let r = try ReportStore.lockForEntry(conn, id: id, caller: caller) else {
            if try ReportStore.visible(conn, id: id, caller: caller) != nil {
                throw APIError(403, "forbidden", "您的角色只能查看，不能填报")
            }
            throw APIError.notFound
        }
        try caller.requireProgram(r.programCode)
        let p = try program(conn, code: r.programCode)
        let per = try period(r.period, p)
        let w = try window(conn, p, per)
        if let lock = EntryState.lock(status: r.status, window: w, lateEntry: p.lateEntry, now: now) { throw lock.error }
        return (r, p, per, w, try DefinitionCache.definition(conn, versionID: r.versionID))
    }

    /// Recomputes the formulas over `values`, storing (and logging) what changed.
    private static func applyFormulas(_ conn: PGConnection, _ r: ReportRecord, _ def: FormDefinition,
                                      _ values: inout [String: StoredValue], caller: Caller) throws {
        var changes: [ValueStore.Change] = []
        // in form order, so the edit log lists computed values as the form does
        let computed = ValueRules.compute(def, values)
        for ind in def.indicators {
            guard let entry = computed[ind.code] else { continue }
            let old = values[ind.code]
            guard old != entry else { continue }
            changes.append(.init(indicatorID: ind.id, old: old, new: entry))
            values[ind.code] = entry
        }
        try ValueStore.writeAll(conn, reportID: r.id, changes: changes, actorID: caller.id, actorName: caller.name,
                                source: "computed")
    }

    static func formRecord(_ conn: PGConnection, _ r: ReportRecord) throws -> FormRecord {
        guard let f = try DefinitionCache.forms(conn, programID: r.programID).first(where: { $0.id == r.formID }) else {
            throw APIError.internalError
        }
        return f
    }

    static func view(_ conn: PGConnection, _ r: ReportRecord, program p: ProgramRecord, canEnter: Bool,
                     now: Date) throws -> FormView {
        let per = try period(r.period, p)
        let def = try DefinitionCache.definition(conn, versionID: r.versionID)
        let values = try ValueStore.values(conn, reportID: r.id)
        return try Checks.annotate(conn, Presenter.form(.init(program: p, form: try formRecord(conn, r),
                                    definition: def, period: per,
                                    window: try window(conn, p, per), report: r,
                                    values: values, canEnter: canEnter,
                                    review: try ReviewStore.latest(conn, reportID: r.id, kind: "review"),
                                    modification: try ReviewStore.latest(conn, reportID: r.id, kind: "modification")),
                              now: now), r, def, values: values)
    }
}

/// Institution names from identity's directory, asked once per institution per process (for
/// review requests, which show the name); nil when identity does not answer (not cached then).
enum OrgNameCache {
    private final class Store: @unchecked Sendable {
        let lock = NSLock()
        var names: [String: String] = [:]
    }
    private static let store = Store()

    static func name(_ context: ServiceContext, orgID: String) -> String? {
        store.lock.lock()
        let hit = store.names[orgID]
        store.lock.unlock()
        if let hit { return hit }
        guard let name = OrganisationNames.name(context, orgID: orgID) else { return nil }
        store.lock.lock()
        if store.names.count > 50_000 { store.names.removeAll() }
        store.names[orgID] = name
        store.lock.unlock()
        return name
    }
}
