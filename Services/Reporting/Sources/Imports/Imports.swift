import Foundation
import KitCore
import KitCrypto
import KitHTTP
import KitOffice
import KitPostgres
import Models
import ServiceKit

struct ImportSummary: Codable, Sendable {
    var rowsRead = 0
    var created = 0
    var updated = 0
    var unchanged = 0
    var rejected = 0
    var conflicts = 0
}

struct ImportConflict: Codable, Sendable {
    let row: Int
    let admissionNo: String
    let list: String
    let caseId: String
    let message: String
}

struct ImportProblems: Codable, Sendable {
    var errors: [CellProblem] = []
    var errorsTotal = 0
    var conflicts: [ImportConflict] = []
}

struct ImportView: Encodable, Sendable {
    let importId: String
    let registry: String
    let version: String
    let period: String
    let mode: String
    let clearBlanks: Bool
    let status: String
    let summary: ImportSummary
    let errors: [CellProblem]
    let errorsTotal: Int
    let conflicts: [ImportConflict]
}

/// Imports of case lists: the file is checked and staged (COPY) and classified against the
/// stored cases in a dry run, whose answer is kept under an import id; the commit applies
/// exactly what the dry run showed, in one transaction, or nothing (409 `import_stale` when a
/// staged case changed since).
enum Imports {
    static let maxRows = 200_000
    static let listedProblems = 1000

    struct Options: Sendable {
        var period: String?
        var mode = "create"
        var clearBlanks = false
        var fileName = ""
    }

    static func options(_ q: [String: String]) throws -> Options {
        var o = Options()
        o.period = q["period"]
        if let m = q["mode"], !m.isEmpty {
            guard m == "create" || m == "update" else { throw APIError.invalid("mode", "导入方式只能是 create 或 update") }
            o.mode = m
        }
        if let c = q["clear_blanks"] { o.clearBlanks = c == "1" || c == "true" }
        o.fileName = String((q["filename"] ?? "").prefix(200))
        return o
    }

    /// The rows of an uploaded file, .xlsx (with the template's identity) or .csv; the office
    /// parsers refuse hostile input with bounded memory.
    static func rows(_ body: [UInt8]) throws -> (rows: [[String]], identity: (registry: String, version: String)?) {
        guard !body.isEmpty else { throw APIError.invalid("file", "上传的文件为空", code: "empty_file") }
        if OfficeFiles.isZip(body) { return try OfficeFiles.rows(body) }
        do {
            return (try CSVReader.rows(Data(body), maxRows: maxRows + 1, maxFieldBytes: 4096), nil)
        } catch let e as OfficeError {
            throw APIError(422, e.code, e.message, field: "file")
        }
    }

    /// A workbook made from a template says which: another registry's or version's is refused.
    static func matchIdentity(_ identity: (registry: String, version: String)?, def: RegistryDefinition) throws {
        guard let identity else { return }
        guard identity.registry == def.code else {
            throw APIError(422, "wrong_template", "该文件不是「\(def.shortName)」的模板，请下载最新模板", field: "file")
        }
        guard identity.version == def.version else {
            throw APIError(422, "template_outdated", "模板版本（\(identity.version)）与填报期间不符，请下载最新模板", field: "file")
        }
    }

    /// Which registry version a header belongs to; refuses another version's template.
    static func matchHeader(_ header: [String], def: RegistryDefinition, all: [RegistryDefinition]) throws {
        if CaseRules.headerMatches(header, def) { return }
        if all.contains(where: { $0.id != def.id && CaseRules.headerMatches(header, $0) }) {
            throw APIError(422, "template_outdated", "模板版本与填报期间不符，请下载最新模板", field: "file")
        }
        let got = CaseRules.normaliseHeader(header)
        let missing = def.columns.filter { !got.contains($0) }
        let extra = got.filter { !def.columns.contains($0) }
        var detail = ""
        if !missing.isEmpty { detail += "缺少列：\(missing.joined(separator: "、"))；" }
        if !extra.isEmpty { detail += "多余列：\(extra.prefix(10).joined(separator: "、"))；" }
        if detail.isEmpty { detail = "列的顺序与模板不一致；" }
        throw APIError(422, "header_mismatch", "表头与模板不一致（\(detail)）请下载最新模板", field: "file")
    }

    /// Checks every row (cells, duplicates within the file) and seals personal values: the
    /// staged rows and the row-level problems. Pure except for sealing.
    static func prepare(_ def: RegistryDefinition, rows: [[String]], orgID: String) throws -> (staged: [StagedRow], problems: [CellProblem], read: Int, rejectedRows: Int) {
        // Cell checks and sealing run in parallel over chunks of the file (rows are independent);
        // duplicates within the file are then found in file order.
        let count = max(0, rows.count - 1)
        let workers = count < 2000 ? 1 : max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let size = (count + workers - 1) / max(workers, 1)
        let identifiers = Set(def.identifiers.map(\.code))
        let keys = identifiers.isEmpty ? nil : PersonalData.shared
        let chunks = ChunkResults(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lower = 1 + w * size, upper = min(rows.count, lower + size)
            var out = ChunkResult()
            do {
                if lower < upper {
                    for index in lower..<upper { try checkOne(def, rows[index], line: index + 1, identifiers: identifiers, keys: keys,
                                                              orgID: orgID, into: &out) }
                }
                chunks.set(w, .success(out))
            } catch {
                chunks.set(w, .failure(error))
            }
        }
        var staged: [StagedRow] = []
        staged.reserveCapacity(count)
        var problems: [CellProblem] = []
        var rejectedRows = 0
        var read = 0
        var seen: [String: Int] = [:]
        for result in chunks.all {
            let chunk = try result.get()
            read += chunk.read
            rejectedRows += chunk.rejected
            problems += chunk.problems
            for row in chunk.staged {
                if let first = seen[row.admissionNo] {
                    problems.append(CellProblem(row: row.rowNo, column: def.key.label, field: def.key.code, value: row.admissionNo,
                                                code: "duplicate_in_file", message: "住院号与第\(first)行重复，同一个住院号只允许导入一次"))
                    rejectedRows += 1
                    continue
                }
                seen[row.admissionNo] = row.rowNo
                staged.append(row)
            }
        }
        problems.sort { $0.row < $1.row }
        return (staged, problems, read, rejectedRows)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A UUID as lower-case text, without Foundation's formatting (one per imported row).
    static func uuidText(_ u: UUID) -> String {
        var out = [UInt8]()
        out.reserveCapacity(36)
        withUnsafeBytes(of: u.uuid) { raw in
            for (i, b) in raw.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct ChunkResult {
        var staged: [StagedRow] = []
        var problems: [CellProblem] = []
        var read = 0
        var rejected = 0
    }

    final class ChunkResults: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<ChunkResult, Error>]

        init(_ n: Int) { results = Array(repeating: .success(ChunkResult()), count: n) }
        func set(_ i: Int, _ r: Result<ChunkResult, Error>) { lock.lock(); results[i] = r; lock.unlock() }
        var all: [Result<ChunkResult, Error>] { lock.lock(); defer { lock.unlock() }; return results }
    }

    private static func checkOne(_ def: RegistryDefinition, _ cells: [String], line: Int, identifiers: Set<String>, keys: PersonalData?,
                                 orgID: String, into out: inout ChunkResult) throws {
        if cells.allSatisfy(CaseRules.isBlank) { return }
        out.read += 1
        let (checked, rowProblems) = CaseRules.checkRow(def, cells: cells, row: line)
        guard var row = checked else {
            out.problems.append(contentsOf: rowProblems)
            out.rejected += 1
            return
        }
        if cells.count > def.fields.count, cells[def.fields.count...].contains(where: { !CaseRules.isBlank($0) }) {
            out.problems.append(CellProblem(row: line, column: "", field: "", value: "", code: "extra_cells", message: "该行的列数多于模板"))
            out.rejected += 1
            return
        }
        var personal: [String: String] = [:]
        var digest: [String: String] = [:]
        for code in identifiers {
            guard let v = row.values.removeValue(forKey: code) else { continue }
            guard let keys else { throw PersonalData.missing }
            personal[code] = try keys.seal(v, field: code, orgID: orgID, admissionNo: row.admissionNo)
            digest[code] = keys.digest(v, field: code)
        }
        out.staged.append(StagedRow(rowNo: line, caseID: uuidText(ID.uuid7()), admissionNo: row.admissionNo, data: JSONText.object(row.values),
                                    personal: JSONText.object(personal), digest: JSONText.object(digest), missing: row.missing))
    }

    static func dryRun(_ context: ServiceContext, caller: Caller, code: String, options o: Options, body: [UInt8],
                       request: Request) throws -> ImportView {
        let started = DispatchTime.now().uptimeNanoseconds
        func ms(_ since: UInt64) -> String { String((DispatchTime.now().uptimeNanoseconds - since) / 1_000_000) }
        let (rows, identity) = try rows(body)
        let parsed = DispatchTime.now().uptimeNanoseconds
        guard let header = rows.first else { throw APIError.invalid("file", "上传的文件为空", code: "empty_file") }
        guard rows.count <= maxRows + 1 else { throw APIError(422, "too_many_rows", "文件行数超过上限（\(maxRows)行）", field: "file") }
        let sha = SHA256.hex(body)
        return try context.database.transaction(retries: 0) { conn in
            let (program, period, def, all) = try Cases.resolve(conn, caller: caller, code: code, periodKey: o.period)
            let inst = try Cases.entering(conn, caller: caller, program: program)
            try matchIdentity(identity, def: def)
            try matchHeader(header, def: def, all: all)
            if let year = try RegistryYearStore.find(conn, programID: program.id, orgID: inst.orgID, period: period.key) {
                try Cases.requireOpen(year)
            }
            let checking = DispatchTime.now().uptimeNanoseconds
            let prepared = try prepare(def, rows: rows, orgID: inst.orgID)
            let staging = DispatchTime.now().uptimeNanoseconds
            try ImportStore.expire(conn)
            let id = ID.new()
            try ImportStore.create(conn, id: id, registryID: def.id, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath,
                                   period: period.key, mode: o.mode, clearBlanks: o.clearBlanks, fileName: o.fileName, sha256: sha,
                                   by: caller.id)
            _ = try ImportStore.stage(conn, importID: id, rows: prepared.staged)
            let classifying = DispatchTime.now().uptimeNanoseconds
            try ImportStore.classify(conn, importID: id, registryID: def.id, programID: program.id, orgID: inst.orgID,
                                     period: period.key, mode: o.mode, clearBlanks: o.clearBlanks)
            let counts = try ImportStore.counts(conn, importID: id)
            var summary = ImportSummary()
            summary.rowsRead = prepared.read
            summary.created = counts["create"] ?? 0
            summary.updated = counts["update"] ?? 0
            summary.unchanged = counts["unchanged"] ?? 0
            summary.conflicts = counts["conflict"] ?? 0
            summary.rejected = prepared.rejectedRows + (counts["rejected"] ?? 0)
            var problems = ImportProblems()
            var errors = prepared.problems
            for (row, missing) in try ImportStore.rejected(conn, importID: id, limit: listedProblems) {
                for code in missing {
                    let label = def.field(code)?.label ?? code
                    errors.append(CellProblem(row: row, column: label, field: code, value: "", code: "missing", message: "\(label)不能为空"))
                }
            }
            errors.sort { ($0.row, $0.column) < ($1.row, $1.column) }
            problems.errorsTotal = errors.count
            problems.errors = Array(errors.prefix(listedProblems))
            problems.conflicts = try ImportStore.conflicts(conn, importID: id, limit: listedProblems).map {
                ImportConflict(row: $0.row, admissionNo: $0.admissionNo, list: $0.list, caseId: $0.caseID,
                               message: "住院号\($0.admissionNo)已登记在「\($0.list)」中，同一个住院号只允许导入一次，请人工编辑该病例")
            }
            try ImportStore.saveSummary(conn, importID: id, summary: try encode(summary), problems: try encode(problems))
            context.logger.info("import dry run", ["rows": String(prepared.read), "parse_ms": String((parsed - started) / 1_000_000),
                                                   "check_ms": String((staging - checking) / 1_000_000),
                                                   "stage_ms": String((classifying - staging) / 1_000_000),
                                                   "classify_ms": ms(classifying), "total_ms": ms(started)])
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "import.dry_run", objectType: "import",
                                              objectID: id, newValue: try encode(summary), request: request))
            return ImportView(importId: id, registry: def.code, version: def.version, period: period.key, mode: o.mode,
                              clearBlanks: o.clearBlanks, status: "dry_run", summary: summary, errors: problems.errors,
                              errorsTotal: problems.errorsTotal, conflicts: problems.conflicts)
        }
    }

    static func show(_ context: ServiceContext, caller: Caller, id: String) throws -> ImportView {
        let inst = try caller.requireInstitution()
        return try context.database.withConnection { conn in
            guard ID.isValid(id), let imp = try ImportStore.find(conn, id: id, orgID: inst.orgID),
                  let def = try RegistryStore.byID(conn, id: imp.registryID) else {
                throw APIError(404, "import_not_found", "导入记录不存在")
            }
            try caller.requireProgram(def.programCode)
            return try view(imp, def)
        }
    }

    static func commit(_ context: ServiceContext, caller: Caller, id: String, request: Request) throws -> ImportView {
        let inst = try caller.requireInstitution()
        return try context.database.transaction(retries: 0) { conn in
            guard ID.isValid(id), let (imp, expired) = try ImportStore.lock(conn, id: id, orgID: inst.orgID),
                  let def = try RegistryStore.byID(conn, id: imp.registryID) else {
                throw APIError(404, "import_not_found", "导入记录不存在")
            }
            try caller.requireProgram(def.programCode)
            let program = try Entry.program(conn, code: def.programCode)
            guard program.entered(by: inst.role) else { throw APIError(403, "forbidden", "您的角色不能填报该项目") }
            guard imp.status == "dry_run" else { throw APIError.conflict("该导入已提交，不能重复提交", code: "import_committed") }
            guard !expired else { throw APIError.conflict("预检结果已过期，请重新上传文件预检", code: "import_expired") }
            let year = try RegistryYearStore.lock(conn, programID: imp.programID, orgID: imp.orgID, scopePath: imp.scopePath, period: imp.period)
            try Cases.requireOpen(year)
            if try ImportStore.staleCount(conn, imp) > 0 {
                throw APIError.conflict("预检后病例已发生变化，请重新上传文件预检", code: "import_stale")
            }
            let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(imp.summary.utf8))
            let (created, updated) = try ImportStore.apply(conn, imp, by: caller.id)
            guard created == summary.created, updated == summary.updated else {
                throw APIError.conflict("预检后病例已发生变化，请重新上传文件预检", code: "import_stale")
            }
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: imp.orgID, action: "import.commit", objectType: "import",
                                              objectID: imp.id, newValue: imp.summary, request: request))
            var v = try view(imp, def)
            v = ImportView(importId: v.importId, registry: v.registry, version: v.version, period: v.period, mode: v.mode,
                           clearBlanks: v.clearBlanks, status: "committed", summary: v.summary, errors: v.errors,
                           errorsTotal: v.errorsTotal, conflicts: v.conflicts)
            return v
        }
    }

    private static func view(_ imp: ImportRecord, _ def: RegistryDefinition) throws -> ImportView {
        let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(imp.summary.utf8))
        let problems = try JSONDecoder().decode(ImportProblems.self, from: Data(imp.problems.utf8))
        return ImportView(importId: imp.id, registry: def.code, version: def.version, period: imp.period, mode: imp.mode,
                          clearBlanks: imp.clearBlanks, status: imp.status, summary: summary, errors: problems.errors,
                          errorsTotal: problems.errorsTotal, conflicts: problems.conflicts)
    }

    static func encode<T: Encodable>(_ v: T) throws -> String {
        String(decoding: try JSONEncoder().encode(v), as: UTF8.self)
    }
}
