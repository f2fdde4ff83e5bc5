import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// The period list as CSV (docs/reporting.md, "Checks, comments, period list").
struct CheckHandlers {
    let context: ServiceContext

    /// `GET /api/reporting/v1/periods/export.csv?program=`: the caller's periods (hospital) or
    /// his region's reports (reader), with state, submission and review.
    func periodsCSV(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let program = request.query["program"].flatMap { $0.isEmpty ? nil : $0 }
        let (name, data) = try PeriodExport.csv(context, caller: caller, program: program, now: Date())
        return Response(status: 200, contentType: "text/csv; charset=utf-8",
                        headers: [("Content-Disposition", "attachment; filename=\"\(name)\""), ("Cache-Control", "no-store")],
                        body: Array(data))
    }
}
