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

    static func template(_ context: ServiceContext, caller: Caller, code: String, period: String?) throws -> Response {
        let def = try context.database.withConnection { conn in
            try Cases.resolve(conn, caller: caller, code: code, periodKey: period).2
        }
        let data = CSVWriter.data(rows: [def.columns])
        return file(data, name: "\(def.code)-\(def.version)-template.csv")
    }

    static func csv(_ context: ServiceContext, caller: Caller, code: String, params: [String: String]) throws -> Response {
        try context.database.withConnection { conn in
            let (_, period, def, _) = try Cases.resolve(conn, caller: caller, code: code, periodKey: params["period"])
            let q = try Cases.query(def, period: period.key, params: params)
            let fields = def.plainFields
            var rows: [[String]] = [["病例", "机构"] + fields.map(\.label)]
            var after: String?
            var n = 0
            while true {
                let batch = try CaseStore.batch(conn, caller: caller, query: q, after: after, batch: 5000)
                for c in batch {
                    n += 1
                    guard n <= maxRows else { throw APIError(422, "too_many_rows", "导出行数超过上限，请缩小查询范围") }
                    let own = caller.institution?.orgID == c.orgID
                    rows.append([own ? c.admissionNo : String(n), c.orgID] + fields.map { c.data[$0.code] ?? "" })
                }
                guard let last = batch.last, batch.count == 5000 else { break }
                after = last.id
            }
            return file(CSVWriter.data(rows: rows), name: "\(def.code)-\(period.key).csv")
        }
    }

    static func file(_ data: Data, name: String) -> Response {
        let safe = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
        return Response(status: 200, contentType: "text/csv; charset=utf-8",
                        headers: [("Content-Disposition", "attachment; filename=\"\(safe)\""), ("Cache-Control", "no-store")],
                        body: [UInt8](data))
    }
}
