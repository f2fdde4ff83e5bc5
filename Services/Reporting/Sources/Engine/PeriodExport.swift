import Foundation
import KitCore
import KitHTTP
import KitOffice
import ServiceKit

/// The period list as CSV (`GET /api/reporting/v1/periods/export.csv?program=`): for a hospital
/// its due periods not started yet and every report of its own; for a reader (city commission,
/// centre) the reports of its region. Scope is the report list's (SQL); the latest review of
/// each listed report comes with it (result, opinion, reviewer, time).
enum PeriodExport {
    static let maxRows = 5000
    static let header = ["填报项目", "填报表单", "填报期间", "期间代码", "状态", "截止日期", "提交时间", "审核结果", "审核意见", "审核人", "审核时间"]

    static func csv(_ context: ServiceContext, caller: Caller, program: String?, now: Date) throws -> (String, Data) {
        var reports: [ReportListItem] = []
        var after: String?
        repeat {
            let page = try Entry.list(context, caller: caller, program: program, period: nil, status: nil, after: after,
                                      limit: 500, now: now)
            reports += page.prefix(500)
            after = page.count > 500 ? page[499].id : nil
        } while after != nil && reports.count < maxRows
        // a hospital's due list: the periods not started yet, and the deadlines
        let due = caller.institution != nil ? try Entry.due(context, caller: caller, now: now).filter {
            program == nil || $0.program == program
        } : []
        let deadlines = Dictionary(due.compactMap { d in d.window.map { ("\(d.program)/\(d.form)/\(d.period)", $0.deadline) } },
                                   uniquingKeysWith: { a, _ in a })
        let reviews = try context.database.withConnection { conn in
            try CheckStore.latestReviews(conn, reportIDs: reports.map(\.id))
        }
        var rows: [(key: String, cells: [String])] = []
        for d in due where d.reportId == nil {
            rows.append(("\(d.programName)\u{1}\(d.formName)\u{1}\(d.period)",
                         [d.programName, d.formName, d.periodLabel, d.period, d.statusLabel, d.window?.deadline ?? "", "", "", "", "", ""]))
        }
        for r in reports {
            let rv = reviews[r.id]
            rows.append(("\(r.programName)\u{1}\(r.formName)\u{1}\(r.period)",
                         [r.programName, r.formName, r.periodLabel, r.period, r.statusLabel,
                          deadlines["\(r.program)/\(r.form)/\(r.period)"] ?? "", r.submittedAt.map(local) ?? "",
                          rv.map { label($0.status) } ?? "", rv?.opinion ?? "", rv?.decidedBy ?? "",
                          rv?.decidedAt.map(local) ?? ""]))
        }
        // by program and form, newest period first
        rows.sort { a, b in
            let x = a.key.split(separator: "\u{1}", omittingEmptySubsequences: false)
            let y = b.key.split(separator: "\u{1}", omittingEmptySubsequences: false)
            if x[0] != y[0] { return x[0] < y[0] }
            if x[1] != y[1] { return x[1] < y[1] }
            return x[2] > y[2]
        }
        let name = "periods-\(program ?? "all").csv"
        return (name, CSVWriter.data(rows: [header] + rows.map(\.cells)))
    }

    static func label(_ status: String) -> String {
        switch status {
        case "open": return "审核中"
        case "approved": return "审核通过"
        case "returned", "rejected": return "已退回"
        default: return "已撤回"
        }
    }

    /// 2020-07-15 09:30 in China Standard Time.
    static func local(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = Time.china
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
