import Foundation
import KitClient
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

struct RegistryYearView: Encodable, Sendable {
    struct ListCount: Encodable, Sendable {
        let registry: String
        let name: String
        let shortName: String
        let count: Int
        let noCases: Bool
    }
    struct SummaryForm: Encodable, Sendable {
        let code: String
        let name: String
        let status: String?
    }
    let id: String?
    let program: String
    let period: String
    let status: String
    let statusLabel: String
    /// 共上报 N 例溶栓个案，M 例介入个案
    let countsLabel: String
    let lists: [ListCount]
    let summaryForms: [SummaryForm]
    let scanRequired: Bool
    let scanKind: String?
    let scanDocumentId: String?
    /// The object a scan is uploaded to at the documents service (`report:<year id>`).
    let scanObject: String?
    let submittable: Bool
    let missing: [String]
    let submittedAt: Date?
}

struct ScanBody: Decodable, Sendable { let documentId: String? }
struct YearSubmitBody: Decodable, Sendable { var noCases: [String]? }

/// The registry year of an institution: counts per list, the summary forms, the 附件4 scan
/// (a document at the documents service, checked with the caller's own token), submission.
enum RegistryYears {
    static func context(_ conn: PGConnection, caller: Caller, programCode: String, periodKey: String) throws -> (ProgramRecord, Period, RoleAssignment, [RegistryDefinition]) {
        try caller.requireProgram(programCode)
        let program = try Entry.program(conn, code: programCode)
        let period = try Entry.period(periodKey, program)
        let inst = try Cases.entering(conn, caller: caller, program: program)
        let lists = RegistryStore.forPeriod(try RegistryStore.ofProgram(conn, programID: program.id), period: period.key)
        guard !lists.isEmpty else { throw APIError(404, "registry_not_found", "该项目在此期间没有病例登记表") }
        return (program, period, inst, lists)
    }

    static func view(_ conn: PGConnection, program: ProgramRecord, period: Period, orgID: String,
                     lists: [RegistryDefinition], year: RegistryYearRecord?, noCases: [String]? = nil) throws -> RegistryYearView {
        let counts = try CaseStore.counts(conn, programID: program.id, orgID: orgID, period: period.key)
        let declared = Set(noCases ?? year?.noCaseRegistries ?? [])
        let forms = try RegistryYearStore.summaryForms(conn, programID: program.id, orgID: orgID, period: period.key)
        let scanKind = try RegistryYearStore.scanKind(conn, programID: program.id)
        var missing: [String] = []
        for f in forms where !["submitted", "accepted"].contains(f.status ?? "") {
            missing.append("总表《\(f.name)》尚未提交")
        }
        var listViews: [RegistryYearView.ListCount] = []
        for l in lists {
            let n = counts[l.code] ?? 0
            listViews.append(.init(registry: l.code, name: l.name, shortName: l.shortName, count: n, noCases: n == 0 && declared.contains(l.code)))
            if n == 0 && !declared.contains(l.code) {
                missing.append("「\(l.shortName)」尚无病例；本年度为0例时请确认“0例”后提交")
            }
        }
        if scanKind != nil && year?.scanDocumentID == nil { missing.append("尚未上传附件4（扫描版）") }
        let status = year?.status ?? "open"
        let label = "共上报" + lists.sorted { $0.code > $1.code }.map { "\(counts[$0.code] ?? 0)例\($0.shortName)" }.joined(separator: "，")
        return RegistryYearView(id: year?.id, program: program.code, period: period.key, status: status,
                                statusLabel: status == "submitted" ? "已提交" : "未提交", countsLabel: label, lists: listViews,
                                summaryForms: forms.map { .init(code: $0.code, name: $0.name, status: $0.status) },
                                scanRequired: scanKind != nil, scanKind: scanKind, scanDocumentId: year?.scanDocumentID,
                                scanObject: year.map { "report:\($0.id)" }, submittable: status == "open" && missing.isEmpty,
                                missing: missing, submittedAt: year?.submittedAt)
    }

    static func show(_ context: ServiceContext, caller: Caller, programCode: String, periodKey: String,
                     org: String? = nil) throws -> RegistryYearView {
        if let org, !org.isEmpty, org != caller.institution?.orgID {
            return try readerView(context, caller: caller, programCode: programCode, periodKey: periodKey, org: org)
        }
        return try context.database.transaction { conn in
            let (program, period, inst, lists) = try self.context(conn, caller: caller, programCode: programCode, periodKey: periodKey)
            // The row exists from the first look, so the scan has an object to be uploaded to.
            let year = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            return try view(conn, program: program, period: period, orgID: inst.orgID, lists: lists, year: year)
        }
    }

    /// A reader's (centre's) look at an institution's year: the institution must be enrolled
    /// under a scope path one of the caller's reader grants covers (in SQL); 404 otherwise.
    static func readerView(_ context: ServiceContext, caller: Caller, programCode: String, periodKey: String,
                           org: String) throws -> RegistryYearView {
        guard org.utf8.count <= 64 else { throw APIError(404, "registry_year_not_found", "年度数据不存在") }
        try caller.requireProgram(programCode)
        return try context.database.withConnection { conn in
            let program = try Entry.program(conn, code: programCode)
            let period = try Entry.period(periodKey, program)
            guard try RegistryYearStore.readable(conn, caller: caller, programID: program.id, orgID: org) else {
                throw APIError(404, "registry_year_not_found", "年度数据不存在")
            }
            let lists = RegistryStore.forPeriod(try RegistryStore.ofProgram(conn, programID: program.id), period: period.key)
            let year = try RegistryYearStore.find(conn, programID: program.id, orgID: org, period: period.key)
            return try view(conn, program: program, period: period, orgID: org, lists: lists, year: year)
        }
    }

    /// Attaches the scan: the document must be readable by the caller at the documents service,
    /// of the program's scan kind and uploaded to this year's object.
    static func attachScan(_ context: ServiceContext, caller: Caller, programCode: String, periodKey: String, body: ScanBody,
                           request: Request) throws -> RegistryYearView {
        guard let docID = body.documentId, ID.isValid(docID) else {
            throw APIError.invalid("documentId", "请先上传附件4（扫描版）", code: "missing_field")
        }
        let (yearID, kind) = try context.database.transaction { conn -> (String, String?) in
            let (program, period, inst, _) = try self.context(conn, caller: caller, programCode: programCode, periodKey: periodKey)
            let year = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            try Cases.requireOpen(year)
            return (year.id, try RegistryYearStore.scanKind(conn, programID: program.id))
        }
        guard let kind else { throw APIError.conflict("该项目不需要上传扫描件", code: "scan_not_required") }
        struct Doc: Decodable { let id: String; let object: String; let kind: String }
        let url = context.settings.url(of: .documents) + "/api/documents/v1/documents/" + docID.lowercased()
        let doc: Doc
        do {
            var headers: [(String, String)] = []
            if let auth = request.headers["authorization"] { headers.append(("Authorization", auth)) }
            doc = try context.http.getJSON(url, headers: headers, as: Doc.self)
        } catch let e as ClientError {
            if case .status(let code, _) = e, code == 404 || code == 403 {
                throw APIError.invalid("documentId", "附件不存在或不属于本机构", code: "document_not_found")
            }
            throw APIError(503, "documents_unavailable", "文件服务暂不可用，请稍后再试")
        }
        guard doc.kind == kind, doc.object == "report:\(yearID)" else {
            throw APIError.invalid("documentId", "该文件不是本年度的附件4（扫描版）", code: "wrong_document")
        }
        return try context.database.transaction { conn in
            let (program, period, inst, lists) = try self.context(conn, caller: caller, programCode: programCode, periodKey: periodKey)
            let year = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            try Cases.requireOpen(year)
            try RegistryYearStore.setScan(conn, id: year.id, documentID: doc.id.lowercased())
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "registry_year.scan", objectType: "registry_year",
                                              objectID: year.id, newValue: Audit.json(["documentId": doc.id]), request: request))
            let fresh = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            return try view(conn, program: program, period: period, orgID: inst.orgID, lists: lists, year: fresh)
        }
    }

    /// Submits the year: 422 `year_incomplete` with every missing piece, nothing changed.
    static func submit(_ context: ServiceContext, caller: Caller, programCode: String, periodKey: String, body: YearSubmitBody,
                       request: Request) throws -> RegistryYearView {
        let noCases = Array(Set(body.noCases ?? [])).sorted()
        guard noCases.count <= 20 else { throw APIError.invalid("noCases", "参数过多") }
        return try context.database.transaction { conn in
            let (program, period, inst, lists) = try self.context(conn, caller: caller, programCode: programCode, periodKey: periodKey)
            guard inst.role == .institutionAdmin || inst.role == .specialtyAdmin else {
                throw APIError(403, "forbidden", "只有医疗机构管理员可以提交年度数据")
            }
            let year = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            try Cases.requireOpen(year)
            for code in noCases where !lists.contains(where: { $0.code == code }) {
                throw APIError.invalid("noCases", "登记表\(code)不存在", code: "registry_not_found")
            }
            let counts = try CaseStore.counts(conn, programID: program.id, orgID: inst.orgID, period: period.key)
            for code in noCases where (counts[code] ?? 0) > 0 {
                throw APIError.invalid("noCases", "该登记表已有病例，不能确认为0例", code: "has_cases")
            }
            let v = try view(conn, program: program, period: period, orgID: inst.orgID, lists: lists, year: year, noCases: noCases)
            guard v.missing.isEmpty else { throw YearIncomplete(missing: v.missing) }
            try RegistryYearStore.submit(conn, id: year.id, noCases: noCases, by: caller.id)
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "registry_year.submit", objectType: "registry_year",
                                              objectID: year.id, newValue: Audit.json(["period": period.key, "counts": v.countsLabel]),
                                              request: request))
            let fresh = try RegistryYearStore.lock(conn, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath, period: period.key)
            return try view(conn, program: program, period: period, orgID: inst.orgID, lists: lists, year: fresh)
        }
    }
}

/// A year submission refused: 422 `year_incomplete` with every missing piece in `error.details`.
struct YearIncomplete: Error {
    let missing: [String]
}

struct YearRefusal: Encodable {
    struct Body: Encodable {
        let code: String
        let message: String
        let details: [String]
    }
    let error: Body

    init(_ r: YearIncomplete) {
        error = Body(code: "year_incomplete", message: "以下内容尚未完成：" + r.missing.joined(separator: "；"), details: r.missing)
    }
}
