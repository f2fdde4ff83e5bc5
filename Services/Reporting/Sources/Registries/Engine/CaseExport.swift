import Foundation
import KitHTTP
import KitOffice
import Models
import ServiceKit

/// Templates and exports of case lists as CSV (UTF-8 with a BOM, CRLF, formula-like text
/// neutralised by the office writer). Exports never carry personal identifiers: those fields
/// are left out. The admission number is the institution's own key: it is exported to the
/// institution that entered the case; readers (centres) get a sequence number instead.
enum CaseExport {
    static let maxRows = 200_000

    static func template(_ context: ServiceContext, caller: Caller, code: String, period: String?, xlsx: Bool) throws -> Response {
        let def = try context.database.withConnection { conn in
            try Cases.resolve(conn, caller: caller, code: code, periodKey: period).2
        }
        if xlsx { return file(Data(try OfficeFiles.template(def)), name: "\(def.code)-\(def.version)-template.xlsx") }
        return file(CSVWriter.data(rows: [def.columns]), name: "\(def.code)-\(def.version)-template.csv")
    }

    /// The templates of a program's registries for a period, as one zip (stroke: 一键下载).
    static func yearZip(_ context: ServiceContext, caller: Caller, program: String, period: String) throws -> Response {
        var forms: [(name: String, bytes: [UInt8])] = []
        let lists = try context.database.withConnection { conn -> [RegistryDefinition] in
            try caller.requireProgram(program)
            let p = try Entry.program(conn, code: program)
            let per = try Entry.period(period, p)
            let all = RegistryStore.forPeriod(try RegistryStore.ofProgram(conn, programID: p.id), period: per.key)
            guard !all.isEmpty else { throw APIError(404, "registry_not_found", "该项目在此期间没有病例登记表") }
            // the year's summary forms too (stroke: 附件1), docs/form-templates.md
            forms = try FormImports.templates(conn, program: p, period: per)
            return all
        }
        var zip = ZipWriter()
        for form in forms { try zip.add(form.name, form.bytes, deflate: false) }
        for def in lists {
            try zip.add("\(def.shortName)模板（\(def.version)版）.xlsx", try OfficeFiles.template(def), deflate: false)
        }
        return Response(status: 200, contentType: "application/zip",
                        headers: [("Content-Disposition", "attachment; filename=\"\(program)-\(period)-templates.zip\""),
                                  ("Cache-Control", "no-store")],
                        body: try zip.finish())
    }

    static func csv(_ context: ServiceContext, caller: Caller, code: String, params: [String: String], xlsx: Bool = false) throws -> Response {
        try context.database.withConnection { conn in
            let (_, period, def, _) = try Cases.resolve(conn, caller: caller, code: code, periodKey: params["period"])
            let q = try Cases.query(def, period: period.key, params: params)
            let fields = def.plainFields
            // date_shift=1: every date of a case moves back by the case's own days (0–364), and
            // the admission number is left out (a sequence number instead) for everyone.
            let shift = params["date_shift"] == "1" || params["date_shift"] == "true"
            let keys = shift ? try PersonalData.require() : nil
            var rows: [[String]] = [["病例", "机构"] + fields.map(\.label)]
            var cells: [[Cell]] = xlsx ? [rows[0].map { Cell.text($0) }] : []
            var after: String?
            var n = 0
            while true {
                let batch = try CaseStore.batch(conn, caller: caller, query: q, after: after, batch: 5000)
                for c in batch {
                    n += 1
                    guard n <= maxRows else { throw APIError(422, "too_many_rows", "导出行数超过上限，请缩小查询范围") }
                    let own = caller.institution?.orgID == c.orgID && !shift
                    let back = keys?.dateShiftDays(caseID: c.id) ?? 0
                    let row = [own ? c.admissionNo : String(n), c.orgID] + fields.map { f -> String in
                        let v = c.data[f.code] ?? ""
                        guard shift, f.type == .date, !v.isEmpty else { return v }
                        return CivilDate.shifted(v, back: back) ?? ""
                    }
                    if xlsx {
                        cells.append([.text(row[0]), .text(row[1])] + fields.enumerated().map { i, f in cell(row[i + 2], f) })
                    } else {
                        rows.append(row)
                    }
                }
                guard let last = batch.last, batch.count == 5000 else { break }
                after = last.id
            }
            if xlsx {
                return file(Data(try OfficeFiles.workbook(cells, sheetName: def.shortName)), name: "\(def.code)-\(period.key).xlsx")
            }
            return file(CSVWriter.data(rows: rows), name: "\(def.code)-\(period.key).csv")
        }
    }

    static func cell(_ v: String, _ f: RegistryField) -> Cell {
        if v.isEmpty { return .empty }
        switch f.type {
        case .integer, .decimal: return Double(v).map { .number($0) } ?? .text(v)
        case .date:
            let p = v.split(separator: "-").compactMap { Int($0) }
            return p.count == 3 ? .date(ExcelDate(year: p[0], month: p[1], day: p[2])) : .text(v)
        default: return .text(v)
        }
    }

    static func file(_ data: Data, name: String) -> Response {
        let safe = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
        let type = safe.hasSuffix(".xlsx") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"
        return Response(status: 200, contentType: type,
                        headers: [("Content-Disposition", "attachment; filename=\"\(safe)\""), ("Cache-Control", "no-store")],
                        body: [UInt8](data))
    }
}
