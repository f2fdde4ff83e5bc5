import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// The answer of a form template's dry run (and of its commit, with the form after it).
struct FormImportView: Codable, Sendable {
    var importId: String
    var reportId: String
    var version: String
    var status: String
    var clearBlanks: Bool
    var summary: FormTemplates.Summary
    var errors: [CellProblem]
    var errorsTotal: Int
    var changes: [FormTemplates.Change]
    var comments: [FormTemplates.CommentChange]
}

struct FormImportCommitted: Encodable, Sendable {
    var importId: String
    var status: String
    var summary: FormTemplates.Summary
    var form: FormView
}

/// Templates of aggregate forms and their imports into a report: the dry run answers what the
/// file would change and what it refuses (per row, the checks of entry); the commit applies
/// exactly that as a draft save (`Entry.save`, edit-log source `import`), or nothing.
enum FormImports {
    static let maxErrorsListed = 1000

    // MARK: templates

    /// `GET /programs/:code/forms/:form/template.xlsx|.csv?period=`: the version of the period.
    static func template(_ context: ServiceContext, caller: Caller, programCode: String, formCode: String, periodKey: String?,
                         xlsx: Bool) throws -> Response {
        try caller.requireProgram(programCode)
        return try context.database.withConnection { conn in
            let p = try Entry.program(conn, code: programCode)
            guard formCode.utf8.count <= 64, let form = try DefinitionStore.form(conn, programID: p.id, code: formCode) else {
                throw APIError(404, "form_not_found", "填报表单不存在")
            }
            guard let periodKey, !periodKey.isEmpty else { throw APIError.invalid("period", "请选择填报期间", code: "missing_field") }
            let per = try Entry.period(periodKey, p)
            guard let version = try DefinitionStore.version(conn, formID: form.id, period: per.key) else {
                throw APIError.invalid("period", "该期间没有可用的指标版本", code: "no_form_version")
            }
            let def = try DefinitionCache.definition(conn, versionID: version.id)
            let name = "\(p.code)-\(form.code)-\(version.code)-template"
            if xlsx {
                let bytes = try FormTemplates.xlsx(def, identity: .init(program: p.code, form: form.code, formName: form.name, version: version.code),
                                                   programName: p.name, periodLabel: per.label)
                return CaseExport.file(Data(bytes), name: name + ".xlsx")
            }
            return CaseExport.file(FormTemplates.csv(def), name: name + ".csv")
        }
    }

    /// The .xlsx templates of a program's forms for a period (the stroke year's zip: 附件1).
    static func templates(_ conn: PGConnection, program p: ProgramRecord, period: Period) throws -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for form in try DefinitionStore.forms(conn, programID: p.id) {
            guard let version = try DefinitionStore.version(conn, formID: form.id, period: period.key) else { continue }
            let def = try DefinitionCache.definition(conn, versionID: version.id)
            out.append(("\(FormTemplates.sheetName(form.name))模板（\(version.code)版）.xlsx",
                        try FormTemplates.xlsx(def, identity: .init(program: p.code, form: form.code, formName: form.name, version: version.code),
                                               programName: p.name, periodLabel: period.label)))
        }
        return out
    }

    // MARK: dry run

    /// `POST /reports/:id/imports?clear_blanks=1&filename=` with the file as the body.
    static func dryRun(_ context: ServiceContext, caller: Caller, reportID: String, clearBlanks: Bool, fileName: String,
                       body: [UInt8], now: Date) throws -> FormImportView {
        let inst = try caller.requireInstitution()
        // the report first (404, 403, the lock's reason), then the file
        _ = try context.database.transaction { conn in try Entry.lockForChange(conn, caller: caller, id: reportID, now: now) }
        let (rows, meta) = try FormTemplates.read(body)
        return try context.database.transaction { conn in
            let (r, p, _, _, def) = try Entry.lockForChange(conn, caller: caller, id: reportID, now: now)
            let form = try Entry.formRecord(conn, r)
            var others: [(version: String, codes: Set<String>)] = []
            for v in try DefinitionStore.versions(conn, formID: form.id) where v.id != def.version.id {
                others.append((v.code, Set(try DefinitionCache.definition(conn, versionID: v.id).indicators.map(\.code))))
            }
            let plan = try FormTemplates.plan(rows: rows, meta: meta,
                                              identity: .init(program: p.code, form: form.code, formName: form.name, version: def.version.code),
                                              def: def, otherVersions: others, values: try ValueStore.values(conn, reportID: r.id),
                                              comments: try CheckStore.comments(conn, reportID: r.id), clearBlanks: clearBlanks)
            let id = ID.new()
            let view = FormImportView(importId: id, reportId: r.id, version: def.version.code, status: "dry_run", clearBlanks: clearBlanks,
                                      summary: plan.summary, errors: Array(plan.errors.prefix(maxErrorsListed)),
                                      errorsTotal: plan.errors.count, changes: plan.changes, comments: plan.comments)
            try FormImportStore.create(conn, id: id, reportID: r.id, orgID: inst.orgID, versionID: def.version.id,
                                       clearBlanks: clearBlanks, fileName: String(fileName.prefix(200)),
                                       seen: try json(plan.read), changes: try json(plan.changes), comments: try json(plan.comments),
                                       answer: try json(view), by: caller.id)
            return view
        }
    }

    static func show(_ context: ServiceContext, caller: Caller, id: String) throws -> FormImportView {
        let inst = try caller.requireInstitution()
        return try context.database.withConnection { conn in
            guard ID.isValid(id), let imp = try FormImportStore.find(conn, id: id, orgID: inst.orgID),
                  let (report, _) = try ReportStore.visible(conn, id: imp.reportID, caller: caller) else {
                throw APIError(404, "import_not_found", "导入记录不存在")
            }
            try caller.requireProgram(report.programCode)   // a program-bound caller sees its program's imports only
            return try JSONDecoder().decode(FormImportView.self, from: Data(imp.answer.utf8))
        }
    }

    // MARK: commit

    /// Applies the dry run as a draft save in one transaction: 409 `import_stale` when a value
    /// or 说明 it read changed since (nothing applied), `import_committed`, `import_expired`, and
    /// the report's lock (submitted, under review, window closed) like any save.
    static func commit(_ context: ServiceContext, caller: Caller, id: String, request: Request, now: Date) throws -> FormImportCommitted {
        let inst = try caller.requireInstitution()
        return try context.database.transaction(retries: 0) { conn in
            guard ID.isValid(id), let imp = try FormImportStore.lock(conn, id: id, orgID: inst.orgID) else {
                throw APIError(404, "import_not_found", "导入记录不存在")
            }
            guard imp.status == "dry_run" else { throw APIError.conflict("该导入已提交，不能重复提交", code: "import_committed") }
            guard !imp.expired else { throw APIError.conflict("预检结果已过期，请重新上传文件预检", code: "import_expired") }
            let decoder = JSONDecoder()
            let read = try decoder.decode([FormTemplates.Change].self, from: Data(imp.seen.utf8))
            let comments = try decoder.decode([FormTemplates.CommentChange].self, from: Data(imp.comments.utf8))
            var answer = try decoder.decode(FormImportView.self, from: Data(imp.answer.utf8))
            var values: [String: InputValue] = [:]
            for c in read { values[c.code] = c.new?.input ?? .null }
            var notes: [String: String?] = [:]
            for c in comments { notes[c.code] = .some(c.new) }
            let stale = APIError.conflict("预检后报表数据已发生变化，请重新上传文件预检", code: "import_stale")
            let form = try Entry.save(conn, caller: caller, id: imp.reportID, body: SaveValuesBody(values: values, comments: notes),
                                      request: request, now: now, source: "import") { r, current in
                guard r.versionID == imp.versionID else { throw stale }
                for c in read where current[c.code] != c.old?.stored { throw stale }
                let currentNotes = try CheckStore.comments(conn, reportID: r.id)
                for c in comments where currentNotes[c.code] != c.old { throw stale }
            }
            answer.status = "committed"
            try FormImportStore.committed(conn, id: imp.id, answer: try json(answer))
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: imp.orgID, action: "report.import", objectType: "report",
                                              objectID: imp.reportID,
                                              newValue: Audit.json(["import": imp.id, "changed": String(answer.summary.changed),
                                                                    "comments": String(answer.summary.commentsChanged)]),
                                              request: request))
            return FormImportCommitted(importId: imp.id, status: "committed", summary: answer.summary, form: form)
        }
    }

    static func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try JSONEncoder().encode(v), as: UTF8.self) }
}
