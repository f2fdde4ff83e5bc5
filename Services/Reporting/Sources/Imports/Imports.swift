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

    /// The staged rows in COPY's text format (one buffer per worker, in file order) and the
    /// row-level problems.
    struct Prepared {
        var text: [[UInt8]] = []
        /// The lines of each buffer of `text`.
        var lines: [Int] = []
        var staged = 0
        /// Staged rows with required fields blank (rejected unless they update a stored case).
        var incomplete: [(row: Int, missing: [String])] = []
        var problems: [CellProblem] = []
        var read = 0
        var rejectedRows = 0
    }

    /// Checks every row (cells, duplicates within the file) and seals personal values, writing
    /// the staged rows straight into COPY text (`import_rows`' columns, or `cases`' for an
    /// institution without cases of the period: `RowWriter.Layout`). Cell checks and sealing
    /// run in parallel over chunks of the file (rows are independent), each worker with its
    /// own cipher context; duplicates within the file are then found in file order. Pure except
    /// for sealing.
    static func prepare(_ def: RegistryDefinition, rows: [[String]], orgID: String, importID: String,
                        layout: RowWriter.Layout = .importRows) throws -> Prepared {
        let count = max(0, rows.count - 1)
        let workers = count < 2000 ? 1 : max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let size = (count + workers - 1) / max(workers, 1)
        let identifiers = def.identifiers.map(\.code).sorted()
        let keys = identifiers.isEmpty ? nil : PersonalData.shared
        let dataCodes = def.fields.filter { !$0.isKey && !$0.identifier }.map(\.code).sorted()
        let chunks = ChunkResults(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lower = 1 + w * size, upper = min(rows.count, lower + size)
            var out = ChunkResult()
            do {
                let writer = try RowWriter(importID: importID, orgID: orgID, identifiers: identifiers, dataCodes: dataCodes, keys: keys,
                                           layout: layout)
                if lower < upper {
                    out.text.reserveCapacity((upper - lower) * 640)
                    for index in lower..<upper { try checkOne(def, rows[index], line: index + 1, writer: writer, into: &out) }
                }
                chunks.set(w, .success(out))
            } catch {
                chunks.set(w, .failure(error))
            }
        }
        var result = Prepared()
        var seen: [String: Int] = [:]
        seen.reserveCapacity(count)
        for chunkResult in chunks.all {
            let chunk = try chunkResult.get()
            result.read += chunk.read
            result.rejectedRows += chunk.rejected
            result.problems += chunk.problems
            var kept: [UInt8] = []
            var dropped = false
            var written = 0
            for line in chunk.lines {
                if let first = seen[line.admissionNo] {
                    result.problems.append(CellProblem(row: line.rowNo, column: def.key.label, field: def.key.code, value: line.admissionNo,
                                                       code: "duplicate_in_file", message: "住院号与第\(first)行重复，同一个住院号只允许导入一次"))
                    result.rejectedRows += 1
                    if !dropped {
                        // First duplicate of this chunk: keep the lines before it, then copy line by line.
                        dropped = true
                        kept = Array(chunk.text[0..<line.start])
                    }
                    continue
                }
                seen[line.admissionNo] = line.rowNo
                result.staged += 1
                if !line.missing.isEmpty { result.incomplete.append((line.rowNo, line.missing)) }
                if line.end > line.start { written += 1 }
                if dropped { kept.append(contentsOf: chunk.text[line.start..<line.end]) }
            }
            result.text.append(dropped ? kept : chunk.text)
            result.lines.append(written)
        }
        result.problems.sort { $0.row < $1.row }
        return result
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    struct StagedLine {
        let rowNo: Int
        let admissionNo: String
        let missing: [String]
        let start: Int
        let end: Int
    }

    struct ChunkResult {
        var text: [UInt8] = []
        var lines: [StagedLine] = []
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

    /// Writes one staged row as a line of COPY text. One per worker. Layout `importRows`
    /// (`import_rows`, classified against stored cases): import id, row, case id, admission
    /// number, data, personal, personal digest (JSON objects: the same text `JSONText.object`
    /// and `PersonalData` give entry), missing (text[]), action. Layout `cases` (an institution
    /// without cases of the period: every row a create): case id, admission number, data,
    /// personal, personal digest, the leading columns of `ImportStore.casesCopy`; rows with a
    /// blank required field (rejected) are not written.
    final class RowWriter {
        enum Layout: Sendable { case importRows, cases }

        let layout: Layout
        let importID: [UInt8]
        let orgID: [UInt8]
        let identifiers: [(code: String, bytes: [UInt8])]
        let dataCodes: [String]
        let sealer: BulkSealer?
        private var scratch: [UInt8] = []
        private var box: [UInt8] = []

        init(importID: String, orgID: String, identifiers: [String], dataCodes: [String], keys: PersonalData?,
             layout: Layout = .importRows) throws {
            self.layout = layout
            self.importID = Array(importID.utf8)
            self.orgID = Array(orgID.utf8)
            self.identifiers = identifiers.map { ($0, Array($0.utf8)) }
            self.dataCodes = dataCodes
            sealer = try keys?.bulkSealer()
            scratch.reserveCapacity(256)
            box.reserveCapacity(256)
        }

        func write(row: CheckedRow, line: Int, into out: inout [UInt8]) throws {
            let tab = UInt8(9)
            if layout == .cases && !row.missing.isEmpty { return }
            if layout == .importRows {
                out.append(contentsOf: importID); out.append(tab)
                appendInt(line, into: &out); out.append(tab)
            }
            appendCaseID(into: &out); out.append(tab)
            out.append(contentsOf: row.admissionNo.utf8); out.append(tab)
            out.append(UInt8(ascii: "{"))
            var first = true
            for code in dataCodes {
                guard let v = row.values[code] else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.jsonString(code.utf8, into: &out)
                out.append(UInt8(ascii: ":"))
                Self.jsonString(v.utf8, into: &out)
            }
            out.append(UInt8(ascii: "}")); out.append(tab)
            let present = identifiers.compactMap { ident in row.values[ident.code].map { (ident.code, ident.bytes, $0) } }
            if !present.isEmpty, sealer == nil { throw PersonalData.missing }
            // personal: {"CODE":"base64(box)",…}
            out.append(UInt8(ascii: "{"))
            for (i, ident) in present.enumerated() {
                let value = ident.2
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.jsonString(ident.1, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: "\"")])
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: ident.1); scratch.append(0)
                scratch.append(contentsOf: orgID); scratch.append(0)
                scratch.append(contentsOf: row.admissionNo.utf8)
                box.removeAll(keepingCapacity: true)
                var v = value
                try v.withUTF8 { plain in
                    try scratch.withUnsafeBytes { aad in try sealer!.seal(UnsafeRawBufferPointer(plain), aad: aad, into: &box) }
                }
                Base64Text.append(box, into: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "}")); out.append(tab)
            // personal_digest: {"CODE":"hex(first 16 bytes of the keyed HMAC of CODE\0value)",…}
            out.append(UInt8(ascii: "{"))
            for (i, ident) in present.enumerated() {
                let value = ident.2
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.jsonString(ident.1, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: "\"")])
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: ident.1); scratch.append(0)
                scratch.append(contentsOf: value.utf8)
                box.removeAll(keepingCapacity: true)
                scratch.withUnsafeBytes { sealer!.digest($0, length: 16, into: &box) }
                for b in box { out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 0x0F)]) }
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "}"))
            if layout == .cases {
                out.append(10)
                return
            }
            out.append(tab)
            out.append(UInt8(ascii: "{"))
            for (i, m) in row.missing.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: m.utf8)
            }
            out.append(UInt8(ascii: "}")); out.append(tab)
            out.append(contentsOf: row.missing.isEmpty ? Array("create".utf8) : Array("rejected".utf8))
            out.append(10)
        }

        private var random: [UInt8] = []
        private var randomOffset = 0

        /// A UUIDv7 (`ID.uuid7`'s layout) as text, its random bits from a buffer refilled in
        /// blocks (one system call per 512 ids, not one per row).
        private func appendCaseID(into out: inout [UInt8]) {
            if randomOffset + 10 > random.count {
                random = SecureRandom.bytes(10 * 512)
                randomOffset = 0
            }
            var t = timespec()
            clock_gettime(CLOCK_REALTIME, &t)
            let ms = UInt64(t.tv_sec) &* 1000 &+ UInt64(t.tv_nsec / 1_000_000)
            var b = [UInt8](repeating: 0, count: 16)
            for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
            for i in 6..<16 { b[i] = random[randomOffset + i - 6] }
            randomOffset += 10
            b[6] = (b[6] & 0x0F) | 0x70
            b[8] = (b[8] & 0x3F) | 0x80
            for (i, x) in b.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hexDigits[Int(x >> 4)])
                out.append(hexDigits[Int(x & 0x0F)])
            }
        }

        private func appendInt(_ n: Int, into out: inout [UInt8]) {
            out.append(contentsOf: String(n).utf8)
        }

        /// A JSON string as COPY text: JSON's escapes, then COPY's (every backslash doubled).
        static func jsonString(_ text: String.UTF8View, into out: inout [UInt8]) {
            var s = String(text)
            s.withUTF8 { jsonString(UnsafeRawBufferPointer($0), into: &out) }
        }

        static func jsonString(_ bytes: [UInt8], into out: inout [UInt8]) {
            bytes.withUnsafeBytes { jsonString($0, into: &out) }
        }

        static func jsonString(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
            out.append(UInt8(ascii: "\""))
            // Plain bytes (no quote, backslash or control) go in one copy.
            if !bytes.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
                out.append(contentsOf: bytes)
                out.append(UInt8(ascii: "\""))
                return
            }
            for b in bytes {
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: [92, 92, UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92, 92, 92])
                case 0..<0x20:
                    out.append(contentsOf: [92, 92, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 0xF)])
                default: out.append(b)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    private static func checkOne(_ def: RegistryDefinition, _ cells: [String], line: Int, writer: RowWriter,
                                 into out: inout ChunkResult) throws {
        if cells.allSatisfy(CaseRules.isBlank) { return }
        out.read += 1
        let (checked, rowProblems) = CaseRules.checkRow(def, cells: cells, row: line)
        guard let row = checked else {
            out.problems.append(contentsOf: rowProblems)
            out.rejected += 1
            return
        }
        if cells.count > def.fields.count, cells[def.fields.count...].contains(where: { !CaseRules.isBlank($0) }) {
            out.problems.append(CellProblem(row: line, column: "", field: "", value: "", code: "extra_cells", message: "该行的列数多于模板"))
            out.rejected += 1
            return
        }
        let start = out.text.count
        try writer.write(row: row, line: line, into: &out.text)
        out.lines.append(StagedLine(rowNo: line, admissionNo: row.admissionNo, missing: row.missing, start: start, end: out.text.count))
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
            // Without stored cases of the institution and period nothing can be a conflict or an
            // update: the staged rows are creates (or rejected), no statistics or join needed,
            // and they are staged as the COPY text of `cases` (the commit is one COPY).
            let existing = try ImportStore.hasCases(conn, programID: program.id, orgID: inst.orgID, period: period.key)
            let checking = DispatchTime.now().uptimeNanoseconds
            let id = ID.new()
            let prepared = try prepare(def, rows: rows, orgID: inst.orgID, importID: id, layout: existing ? .importRows : .cases)
            let staging = DispatchTime.now().uptimeNanoseconds
            try ImportStore.expire(conn)
            try ImportStore.create(conn, id: id, registryID: def.id, programID: program.id, orgID: inst.orgID, scopePath: inst.scopePath,
                                   period: period.key, mode: o.mode, clearBlanks: o.clearBlanks, fileName: o.fileName, sha256: sha,
                                   staged: existing ? "rows" : "cases", by: caller.id)
            if existing {
                _ = try ImportStore.stage(conn, text: prepared.text, rows: prepared.staged, analyze: true)
            } else {
                try ImportStore.stageCases(conn, importID: id, parts: prepared.text, lines: prepared.lines,
                                           rows: prepared.staged - prepared.incomplete.count)
            }
            let classifying = DispatchTime.now().uptimeNanoseconds
            if existing {
                try ImportStore.classify(conn, importID: id, registryID: def.id, programID: program.id, orgID: inst.orgID,
                                         period: period.key, mode: o.mode, clearBlanks: o.clearBlanks)
            }
            // Without stored cases the staging decided every row (create, or rejected for a blank
            // required field): no need to read them back.
            let counts = existing ? try ImportStore.counts(conn, importID: id)
                : ["create": prepared.staged - prepared.incomplete.count, "rejected": prepared.incomplete.count]
            var summary = ImportSummary()
            summary.rowsRead = prepared.read
            summary.created = counts["create"] ?? 0
            summary.updated = counts["update"] ?? 0
            summary.unchanged = counts["unchanged"] ?? 0
            summary.conflicts = counts["conflict"] ?? 0
            summary.rejected = prepared.rejectedRows + (counts["rejected"] ?? 0)
            var problems = ImportProblems()
            var errors = prepared.problems
            let incomplete = existing ? try ImportStore.rejected(conn, importID: id, limit: listedProblems)
                : Array(prepared.incomplete.prefix(listedProblems))
            for (row, missing) in incomplete {
                for code in missing {
                    let label = def.field(code)?.label ?? code
                    errors.append(CellProblem(row: row, column: label, field: code, value: "", code: "missing", message: "\(label)不能为空"))
                }
            }
            errors.sort { ($0.row, $0.column) < ($1.row, $1.column) }
            problems.errorsTotal = errors.count
            problems.errors = Array(errors.prefix(listedProblems))
            problems.conflicts = try (existing ? ImportStore.conflicts(conn, importID: id, limit: listedProblems) : []).map {
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
        let view = try commitTransaction(context, caller: caller, id: id, request: request)
        // The staged rows are no longer needed: deleted after the answer (the next dry run's
        // `expire` deletes them if this fails).
        let database = context.database, logger = context.logger
        DispatchQueue.global(qos: .utility).async {
            do { try database.withConnection { try ImportStore.forget($0, importID: id) } } catch {
                logger.warning("import staged rows not deleted", ["import": id, "error": String(describing: error)])
            }
        }
        return view
    }

    private static func commitTransaction(_ context: ServiceContext, caller: Caller, id: String, request: Request) throws -> ImportView {
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
            let checking = DispatchTime.now().uptimeNanoseconds
            // Staged as `cases` rows (the dry run saw no case of the institution and period):
            // a case entered since with one of the staged admission numbers fails the COPY on
            // the unique key, and then nothing is applied either.
            if imp.staged == "rows", try ImportStore.staleCount(conn, imp) > 0 {
                throw APIError.conflict("预检后病例已发生变化，请重新上传文件预检", code: "import_stale")
            }
            let summary = try JSONDecoder().decode(ImportSummary.self, from: Data(imp.summary.utf8))
            let applying = DispatchTime.now().uptimeNanoseconds
            let created: Int, updated: Int
            do {
                (created, updated) = imp.staged == "cases" ? (try ImportStore.applyCases(conn, imp, by: caller.id), 0)
                    : try ImportStore.apply(conn, imp, by: caller.id)
            } catch let e as PGError where e.isUniqueViolation && imp.staged == "cases" {
                throw APIError.conflict("预检后病例已发生变化，请重新上传文件预检", code: "import_stale")
            }
            context.logger.info("import commit", ["rows": String(created + updated),
                                                  "stale_check_ms": String((applying - checking) / 1_000_000),
                                                  "apply_ms": String((DispatchTime.now().uptimeNanoseconds - applying) / 1_000_000)])
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
