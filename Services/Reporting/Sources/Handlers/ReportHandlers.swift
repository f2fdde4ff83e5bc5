import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// Reports: open, read, save a draft, submit, edit log.
struct ReportHandlers {
    let context: ServiceContext

    /// `POST /api/reporting/v1/reports` `{"program","form","period"}`: 201 new draft, 200 existing.
    func create(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(CreateReportBody.self)
        let (view, created) = try Entry.create(context, caller: caller, body: body, request: request, now: Date())
        return .json(view, status: created ? 201 : 200)
    }

    /// `GET /api/reporting/v1/programs/:code/forms/:form/periods/:period`: the caller's
    /// institution's form of that period (report or not yet).
    func byPeriod(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Entry.formForPeriod(context, caller: caller, programCode: try request.parameter("code"),
                                             formCode: try request.parameter("form"),
                                             periodKey: try request.parameter("period"), now: Date()))
    }

    /// `GET /api/reporting/v1/reports?program=&period=&status=&limit=&cursor=`: the caller's
    /// institution's reports, or his region's (scope in SQL), newest first.
    func list(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 50)
        let q = request.query
        func filter(_ name: String) -> String? { q[name].flatMap { $0.isEmpty ? nil : $0 } }
        let rows = try Entry.list(context, caller: caller, program: filter("program"), period: filter("period"),
                                  status: filter("status"), after: paging.after, limit: paging.limit, now: Date())
        return .json(paging.page(rows, id: \.id))
    }

    /// `GET /api/reporting/v1/reports/:id`
    func detail(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Entry.show(context, caller: caller, id: try request.parameter("id"), now: Date()))
    }

    /// `PUT /api/reporting/v1/reports/:id/values` `{"values":{code: value}}`
    func save(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(SaveValuesBody.self)
        return .json(try Entry.save(context, caller: caller, id: try request.parameter("id"), body: body,
                                    request: request, now: Date()))
    }

    /// `POST /api/reporting/v1/reports/:id/submit`: 200 read-only form, or 422 with every problem.
    func submit(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        do {
            return .json(try Entry.submit(context, caller: caller, id: try request.parameter("id"), request: request, now: Date()))
        } catch let refused as SubmissionRefused {
            return .json(SubmissionRefusal(error: .init(code: "submission_incomplete", message: refused.message,
                                                        details: refused.problems)), status: 422)
        }
    }

    /// `POST /api/reporting/v1/reports/:id/modification` `{"reason"}`: 申请修改 (to approval).
    func modification(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(ModificationBody.self)
        return .json(try Review.requestModification(context, caller: caller, id: try request.parameter("id"),
                                                    reason: body.reason, request: request, now: Date()))
    }

    /// `GET /api/reporting/v1/reports/:id/export.csv`: the report's values as CSV (UTF-8 with a
    /// BOM so that Excel reads the Chinese; indicators and values only, no personal data).
    func exportCSV(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let (name, csv) = try Export.reportCSV(context, caller: caller, id: try request.parameter("id"), now: Date())
        return Export.response(csv, filename: name)
    }

    /// `GET /api/reporting/v1/reports/:id/edits?limit=&cursor=`
    func edits(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 50)
        let rows = try Entry.edits(context, caller: caller, id: try request.parameter("id"), after: paging.after,
                                   limit: paging.limit)
        return .json(paging.page(rows, id: \.id))
    }
}

/// Internal: announced windows (NCIS announces its survey period).
struct InternalHandlers {
    let context: ServiceContext

    /// `PUT /api/reporting/v1/internal/programs/:code/windows/:period` `{"opensAt","closesAt"}`
    func announce(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let body = try request.decode(AnnounceWindowBody.self)
        return .json(try Entry.announce(context, code: try request.parameter("code"),
                                        periodKey: try request.parameter("period"), body: body, request: request))
    }

    /// `POST /api/reporting/v1/internal/demo-seed` (dev mode only; 404 otherwise): seeds the demo
    /// hospitals' history now instead of waiting for the background task.
    func demoSeed(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        guard context.settings.devMode else { throw APIError.notFound }
        return .json(["found": try DemoSeed.run(context)])
    }

    /// `GET /api/reporting/v1/internal/report-folders/:id` → `{"program"}`: whose program the
    /// documents folder `report:<id>` is (a report or a registry year); 404 for neither.
    /// Documents asks it to confine a program-tagged caller to its program's folders.
    func reportFolder(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let id = try request.parameter("id").lowercased()
        guard ID.isValid(id) else { throw APIError.notFound }
        guard let program = try context.database.withConnection({ try ReportFolderStore.program($0, id: id) }) else {
            throw APIError.notFound
        }
        return .json(["program": program])
    }

    /// `POST /api/reporting/v1/internal/approval-outcomes`: approval's final decision on a
    /// review or modification request, applied once to the opening it decides.
    func approvalOutcome(_ request: Request) throws -> Response {
        let body = try OutcomeCallback.read(context, request)
        let key = try Outbox.deliveryKey(request)
        return .json(try Review.applyOutcome(context, body: body, idempotencyKey: key, request: request))
    }
}
