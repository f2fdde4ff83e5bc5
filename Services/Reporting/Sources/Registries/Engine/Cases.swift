import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

// MARK: views and bodies

struct RegistryFieldView: Encodable, Sendable {
    let code: String
    let label: String
    let type: String
    let required: Bool
    let key: Bool
    let identifier: Bool
    let min: Decimal?
    let max: Decimal?
    let choices: [String]
    let help: String
}

struct RegistryView: Encodable, Sendable {
    let program: String
    let code: String
    let version: String
    let name: String
    let shortName: String
    let firstPeriod: String
    let lastPeriod: String?
    let fields: [RegistryFieldView]
    let rules: [String]

    init(_ d: RegistryDefinition) {
        program = d.programCode; code = d.code; version = d.version; name = d.name; shortName = d.shortName
        firstPeriod = d.firstPeriod; lastPeriod = d.lastPeriod
        fields = d.fields.map {
            RegistryFieldView(code: $0.code, label: $0.label, type: $0.type.rawValue, required: $0.required, key: $0.isKey,
                              identifier: $0.identifier, min: $0.minValue, max: $0.maxValue, choices: $0.choices, help: $0.help)
        }
        rules = d.rules.map(\.message)
    }
}

struct CaseView: Encodable, Sendable {
    let id: String
    let registry: String
    let period: String
    let admissionNo: String
    /// Non-personal fields, code → value.
    let values: [String: String]
    /// Personal fields, code → masked value (clear only on the entering institution's detail).
    let personal: [String: String]
    let revision: Int
    let source: String
    let updatedAt: Date
}

struct CasePageView: Encodable, Sendable {
    let registry: RegistryView
    let period: String
    let total: Int
    let items: [CaseView]
    let nextCursor: String?
}

struct CaseBody: Decodable, Sendable {
    var period: String?
    var values: [String: InputValue]
}

// MARK: engine

/// Case entry and queries: add, edit and delete before the year is submitted; lists with
/// filters and counts; personal data sealed, masked in lists.
enum Cases {
    static func registryVersions(_ conn: PGConnection, code: String) throws -> [RegistryDefinition] {
        guard code.utf8.count <= 64 else { throw APIError(404, "registry_not_found", "病例登记表不存在") }
        let all = try RegistryStore.versions(conn, code: code)
        guard !all.isEmpty else { throw APIError(404, "registry_not_found", "病例登记表不存在") }
        return all
    }

    /// The registry version of `periodKey` (422 when the period has none).
    static func resolve(_ conn: PGConnection, caller: Caller, code: String, periodKey: String?) throws -> (ProgramRecord, Period, RegistryDefinition, [RegistryDefinition]) {
        let all = try registryVersions(conn, code: code)
        try caller.requireProgram(all[0].programCode)
        let program = try Entry.program(conn, code: all[0].programCode)
        guard let key = periodKey, !key.isEmpty else { throw APIError.invalid("period", "请选择填报期间", code: "missing_field") }
        let period = try Entry.period(key, program)
        guard let def = RegistryStore.forPeriod(all, period: period.key).first else {
            throw APIError.invalid("period", "该期间没有可用的登记表版本", code: "no_registry_version")
        }
        return (program, period, def, all)
    }

    /// The caller's institution, enrolled in the program and entering for it.
    static func entering(_ conn: PGConnection, caller: Caller, program: ProgramRecord) throws -> RoleAssignment {
        let inst = try caller.requireInstitution()
        guard program.entered(by: inst.role) else { throw APIError(403, "forbidden", "您的角色不能填报该项目") }
        guard try EnrolmentStore.isEnrolled(conn, programID: program.id, orgID: inst.orgID) else {
            throw try Enrolments.notEnrolled(conn, programID: program.id, orgID: inst.orgID)
        }
        return inst
    }

    static func requireOpen(_ year: RegistryYearRecord) throws {
        if year.status == "submitted" {
            throw APIError.conflict("该年度数据已提交，不能再修改病例", code: "year_submitted")
        }
    }

    static func view(_ c: CaseRecord, _ def: RegistryDefinition, clear: Bool) -> CaseView {
        var personal: [String: String] = [:]
        let keys = PersonalData.shared
        for f in def.identifiers {
            guard let box = c.personal[f.code] else { continue }
            guard let value = keys?.open(box, field: f.code, orgID: c.orgID, admissionNo: c.admissionNo) else {
                personal[f.code] = "***"
                continue
            }
            personal[f.code] = clear ? value : CaseRules.masked(value, f)
        }
        return CaseView(id: c.id, registry: def.code, period: c.period, admissionNo: c.admissionNo, values: c.data,
                        personal: personal, revision: c.revision, source: c.source, updatedAt: c.updatedAt)
    }

    /// Query filters from `?admission=&org=&f.<CODE>=` (values checked like entry).
    static func query(_ def: RegistryDefinition, period: String, params: [String: String]) throws -> CaseQuery {
        var q = CaseQuery(registryID: def.id, period: period)
        if let a = params["admission"]?.trimmingCharacters(in: .whitespaces), !a.isEmpty {
            guard a.utf8.count <= CaseRules.maxAdmissionLength else { throw APIError.invalid("admission", "住院号过长") }
            q.admission = a
        }
        if let org = params["org"], !org.isEmpty {
            guard org.utf8.count <= 64 else { throw APIError.invalid("org", "机构编号过长") }
            q.orgID = org
        }
        for (k, v) in params where k.hasPrefix("f.") && !v.isEmpty {
            let code = String(k.dropFirst(2))
            guard let f = def.field(code), !f.identifier, !f.isKey else {
                throw APIError.invalid(k, "不能按该字段查询", code: "invalid_filter")
            }
            switch CaseRules.check(v, f) {
            case .success(let n?): q.filters[code] = n
            case .success(nil): break
            case .failure(let e): throw APIError.invalid(k, e.message, code: "invalid_filter")
            }
        }
        return q
    }

    static func list(_ context: ServiceContext, caller: Caller, code: String, params: [String: String], paging: Paging) throws -> CasePageView {
        try context.database.withConnection { conn in
            let (_, period, def, _) = try resolve(conn, caller: caller, code: code, periodKey: params["period"])
            let q = try query(def, period: period.key, params: params)
            let rows = try CaseStore.list(conn, caller: caller, query: q, after: paging.after, limit: paging.limit)
            let total = try CaseStore.count(conn, caller: caller, query: q)
            let page = paging.page(rows.map { view($0, def, clear: false) }, id: \.id)
            return CasePageView(registry: RegistryView(def), period: period.key, total: total, items: page.items,
                                nextCursor: page.nextCursor)
        }
    }

    /// Converts a JSON body's values (field code → value) into checked text; problems listed.
    static func convert(_ def: RegistryDefinition, _ input: [String: InputValue]) throws -> [String: String?] {
        guard input.count <= 200 else { throw APIError.invalid("values", "字段过多") }
        var out: [String: String?] = [:]
        var problems: [CellProblem] = []
        for (code, value) in input {
            guard let f = def.field(code) else {
                problems.append(CellProblem(row: 0, column: code, field: code, value: "", code: "unknown_field", message: "字段\(code)不存在"))
                continue
            }
            let raw: String
            switch value {
            case .null: raw = ""
            case .number(let d): raw = "\(d)"
            case .string(let s): raw = s
            case .other:
                problems.append(CellProblem(row: 0, column: f.label, field: code, value: "", code: "invalid_value", message: "\(f.label)格式错误"))
                continue
            }
            switch CaseRules.check(raw, f) {
            case .success(let v): out[code] = v
            case .failure(let e):
                problems.append(CellProblem(row: 0, column: f.label, field: code, value: CaseRules.clip(raw), code: e.code, message: e.message))
            }
        }
        if !problems.isEmpty { throw CaseRefused(problems: problems) }
        return out
    }

    /// Splits checked values into plain data and sealed personal data with digests.
    static func seal(_ def: RegistryDefinition, values: [String: String], orgID: String, admissionNo: String,
                     keep: (personal: [String: String], digest: [String: String])) throws -> ([String: String], [String: String], [String: String]) {
        var data: [String: String] = [:]
        var personal = keep.personal
        var digest = keep.digest
        for (code, v) in values {
            guard let f = def.field(code), !f.isKey else { continue }
            if f.identifier {
                let keys = try PersonalData.require()
                if digest[code] != keys.digest(v, field: code) {
                    personal[code] = try keys.seal(v, field: code, orgID: orgID, admissionNo: admissionNo)
                    digest[code] = keys.digest(v, field: code)
                }
            } else {
                data[code] = v
            }
        }
        return (data, personal, digest)
    }

    static func create(_ context: ServiceContext, caller: Caller, code: String, body: CaseBody, request: Request) throws -> CaseView {
        try context.database.transaction { conn in
            let (program, period, def, _) = try resolve(conn, caller: caller, code: code, periodKey: body.period)
            let inst = try entering(conn, caller: caller, program: program)
            let year = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            try requireOpen(year)
            let converted = try convert(def, body.values)
            guard let adm = converted[def.key.code] ?? nil else {
                throw CaseRefused(problems: [CellProblem(row: 0, column: def.key.label, field: def.key.code, value: "", code: "missing",
                                                         message: "\(def.key.label)不能为空")])
            }
            var values: [String: String] = [:]
            for (k, v) in converted { if let v, k != def.key.code { values[k] = v } }
            let problems = CaseRules.completeness(def, values: values)
            if !problems.isEmpty { throw CaseRefused(problems: problems) }
            if let existing = try CaseStore.byAdmission(conn, programID: program.id, orgID: inst.orgID, period: period.key, admissionNo: adm) {
                throw APIError(409, "duplicate_admission_no",
                               "住院号\(adm)已登记（病例编号 \(existing.id)），同一个住院号只能登记一次，请编辑已有病例", field: def.key.code)
            }
            let (data, personal, digest) = try seal(def, values: values, orgID: inst.orgID, admissionNo: adm, keep: ([:], [:]))
            let id = ID.new()
            guard try CaseStore.insert(conn, id: id, registryID: def.id, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath,
                                       period: period.key, admissionNo: adm, data: data, personal: personal, digest: digest, by: caller.id) else {
                throw APIError(409, "duplicate_admission_no", "住院号\(adm)已登记，同一个住院号只能登记一次", field: def.key.code)
            }
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "case.create", objectType: "case", objectID: id,
                                              newValue: Audit.json(["registry": def.code, "period": period.key, "admissionNo": adm]),
                                              request: request))
            guard let (c, _) = try CaseStore.visible(conn, caller: caller, id: id) else { throw APIError.internalError }
            return view(c, def, clear: true)
        }
    }

    /// The case and its definition for a change: 404 unseen, 403 for a reader, 409 when the
    /// year is submitted.
    private static func lockForChange(_ conn: PGConnection, caller: Caller, id: String) throws -> (CaseRecord, RegistryDefinition, ProgramRecord) {
        guard ID.isValid(id), let (c, enters) = try CaseStore.visible(conn, caller: caller, id: id) else {
            throw APIError(404, "case_not_found", "病例不存在")
        }
        guard enters, let inst = caller.institution else { throw APIError(403, "read_only_role", "您只能查看该病例，不能修改") }
        guard let def = try RegistryStore.byID(conn, id: c.registryID) else { throw APIError.internalError }
        try caller.requireProgram(def.programCode)
        let program = try Entry.program(conn, code: def.programCode)
        let year = try RegistryYearStore.lock(conn, programID: program.id, orgID: c.orgID, scopePath: inst.scopePath, period: c.period)
        try requireOpen(year)
        guard let (locked, _) = try CaseStore.visible(conn, caller: caller, id: id, lock: true) else {
            throw APIError(404, "case_not_found", "病例不存在")
        }
        return (locked, def, program)
    }

    static func show(_ context: ServiceContext, caller: Caller, id: String) throws -> CaseView {
        try context.database.withConnection { conn in
            guard ID.isValid(id), let (c, enters) = try CaseStore.visible(conn, caller: caller, id: id),
                  let def = try RegistryStore.byID(conn, id: c.registryID) else {
                throw APIError(404, "case_not_found", "病例不存在")
            }
            try caller.requireProgram(def.programCode)
            return view(c, def, clear: enters)
        }
    }

    static func update(_ context: ServiceContext, caller: Caller, id: String, body: CaseBody, request: Request) throws -> CaseView {
        try context.database.transaction { conn in
            let (c, def, _) = try lockForChange(conn, caller: caller, id: id)
            let converted = try convert(def, body.values)
            if let adm = converted[def.key.code], adm != c.admissionNo {
                throw APIError.invalid(def.key.code, "住院号不能修改；如有错误请删除后重新登记", code: "read_only")
            }
            var data = c.data
            var personal = c.personal
            var digest = c.digest
            var changed: [String: String] = [:]
            for (k, v) in converted where k != def.key.code {
                if let v { changed[k] = v } else { data[k] = nil; personal[k] = nil; digest[k] = nil }
            }
            let (plain, p2, d2) = try seal(def, values: changed, orgID: c.orgID, admissionNo: c.admissionNo, keep: (personal, digest))
            let newData = data.merging(plain) { _, b in b }
            var present = newData
            for k in p2.keys { present[k] = "\u{2022}" }
            let problems = CaseRules.completeness(def, values: present)
            if !problems.isEmpty { throw CaseRefused(problems: problems) }
            if newData != c.data || p2 != c.personal {
                try CaseStore.update(conn, id: c.id, data: newData, personal: p2, digest: d2, by: caller.id)
                try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: c.orgID, action: "case.update", objectType: "case",
                                                  objectID: c.id, newValue: Audit.json(["fields": Array(converted.keys).sorted()]),
                                                  request: request))
            }
            guard let (fresh, _) = try CaseStore.visible(conn, caller: caller, id: c.id) else { throw APIError.internalError }
            return view(fresh, def, clear: true)
        }
    }

    static func delete(_ context: ServiceContext, caller: Caller, id: String, request: Request) throws {
        try context.database.transaction { conn in
            let (c, def, _) = try lockForChange(conn, caller: caller, id: id)
            try CaseStore.delete(conn, id: c.id)
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: c.orgID, action: "case.delete", objectType: "case",
                                              objectID: c.id, newValue: Audit.json(["registry": def.code, "admissionNo": c.admissionNo]),
                                              request: request))
        }
    }
}

/// A case refused with every problem (422 `invalid_case`, `error.details`).
struct CaseRefused: Error {
    let problems: [CellProblem]
}

struct CaseRefusal: Encodable {
    struct Body: Encodable {
        let code: String
        let message: String
        let field: String?
        let details: [CellProblem]
    }
    let error: Body

    init(_ r: CaseRefused) {
        error = Body(code: "invalid_case", message: r.problems.first?.message ?? "病例数据有误", field: r.problems.first?.field,
                     details: r.problems)
    }
}
