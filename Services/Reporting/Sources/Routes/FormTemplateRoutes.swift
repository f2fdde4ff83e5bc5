import Foundation
import KitHTTP
import ServiceKit

/// Templates of the aggregate forms and their imports into a report (docs/form-templates.md).
enum FormTemplateRoutes {
    /// A form's template is small (a few hundred rows); 4 MB leaves room for styles and images
    /// a spreadsheet program adds.
    static let importBody = RouteOptions(maxBody: 4 << 20)

    static func install(_ router: Router, _ context: ServiceContext) {
        let h = FormTemplateHandlers(context: context)
        let v1 = "/api/reporting/v1"
        router.get("\(v1)/programs/:code/forms/:form/template.xlsx", h.template)
        router.get("\(v1)/programs/:code/forms/:form/template.csv", h.template)
        router.post("\(v1)/reports/:id/imports", options: importBody, h.dryRun)
        router.get("\(v1)/form-imports/:id", h.show)
        router.post("\(v1)/form-imports/:id/commit", h.commit)
    }
}

/// Thin handlers: caller, parameters, engine (`FormImports`).
struct FormTemplateHandlers {
    let context: ServiceContext

    /// `GET /programs/:code/forms/:form/template.xlsx|.csv?period=`
    func template(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return try FormImports.template(context, caller: caller, programCode: try request.parameter("code"),
                                        formCode: try request.parameter("form"), periodKey: request.query["period"],
                                        xlsx: request.path.hasSuffix(".xlsx"))
    }

    /// `POST /reports/:id/imports?clear_blanks=1&filename=` (body: the filled .xlsx or .csv): the dry run.
    func dryRun(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let q = request.query
        let clear = q["clear_blanks"] == "1" || q["clear_blanks"] == "true"
        return .json(try FormImports.dryRun(context, caller: caller, reportID: try request.parameter("id"), clearBlanks: clear,
                                            fileName: q["filename"] ?? "", body: request.body, now: Date()), status: 201)
    }

    /// `GET /form-imports/:id`: the dry run's answer again.
    func show(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try FormImports.show(context, caller: caller, id: try request.parameter("id")))
    }

    /// `POST /form-imports/:id/commit`
    func commit(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try FormImports.commit(context, caller: caller, id: try request.parameter("id"), request: request, now: Date()))
    }
}
