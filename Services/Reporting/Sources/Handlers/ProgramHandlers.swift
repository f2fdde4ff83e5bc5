import Foundation
import KitHTTP
import Models
import ServiceKit

/// Programs and enrolment.
struct ProgramHandlers {
    let context: ServiceContext

    /// `GET /api/reporting/v1/programs`: every program and whether the caller's institution takes part.
    func list(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let rows = try context.database.withConnection { conn in
            try DefinitionStore.programs(conn, orgID: caller.institution?.orgID)
        }
        return .json(PageView(items: rows.filter { caller.program == nil || $0.0.code == caller.program }
            .map { Presenter.program($0.0, enrolled: $0.1) }))
    }

    /// `GET /api/reporting/v1/programs/:code`: with its forms and indicator-set versions.
    func detail(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Entry.programView(context, caller: caller, code: try request.parameter("code")))
    }

    /// `POST /api/reporting/v1/programs/:code/enrolment`: the caller's institution takes part.
    func enrol(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let view = try Entry.enrol(context, caller: caller, code: try request.parameter("code"), request: request)
        return .json(view, status: view.created ? 201 : 200)
    }

    /// `GET /api/reporting/v1/due`: what the caller's institution has to report.
    func due(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(PageView(items: try Entry.due(context, caller: caller, now: Date())))
    }
}
