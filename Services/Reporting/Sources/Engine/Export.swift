import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// CSV exports: UTF-8 with a BOM (Excel then reads the Chinese), CRLF lines, fields quoted when
/// needed, text cells that a spreadsheet would run as a formula prefixed with an apostrophe.
/// Indicator values only: free-text indicators (填报人…) are left out, so no names of persons.
enum Export {
    static func field(_ s: String, text: Bool = true) -> String {
        var v = s
        if text, let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    static func line(_ cells: [String]) -> String { cells.joined(separator: ",") + "\r\n" }

    /// The report as CSV, for whoever may see it (scope in SQL; 404 otherwise).
    static func reportCSV(_ context: ServiceContext, caller: Caller, id: String, now: Date) throws -> (String, String) {
        let view = try Entry.show(context, caller: caller, id: id, now: now)
        var out = "\u{FEFF}"
        out += line(["填报项目", field(view.program.name)])
        out += line(["填报表单", field("\(view.form.name)（\(view.version.name)）")])
        out += line(["填报期间", field(view.periodLabel)])
        out += line(["状态", field(view.statusLabel)])
        out += "\r\n"
        out += line(["类别", "指标代码", "指标名称", "单位", "数值"])
        // Free-text indicators (填报人 and the like) may name persons: not exported.
        for ind in view.indicators where ind.type != "text" {
            let value: String
            switch ind.value {
            case .null: value = ""
            case .number(let d): value = "\(d)"
            case .string(let s): value = field(s)
            }
            out += line([field(ind.category), field(ind.code), field(ind.name), field(ind.unit), value])
        }
        let safe = "\(view.program.code)-\(view.form.code)-\(view.period)".filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return ("report-\(safe).csv", out)
    }

    static func response(_ csv: String, filename: String) -> Response {
        Response(status: 200, contentType: "text/csv; charset=utf-8",
                 headers: [("Content-Disposition", "attachment; filename=\"\(filename)\""), ("Cache-Control", "no-store")],
                 body: Array(csv.utf8))
    }
}
