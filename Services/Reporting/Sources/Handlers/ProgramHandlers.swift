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
        let orgID = caller.institution?.orgID
        let (rows, approving, states) = try context.database.withConnection { conn in
            let rows = try DefinitionStore.programs(conn, orgID: orgID)
            let states = try orgID.map { org in
                try Enrolments.states(conn, orgID: org, enrolled: Dictionary(rows.map { ($0.0.id, $0.1) }) { a, _ in a })
            } ?? [:]
            return (rows, Set(rows.filter { $0.0.enrolmentChain != nil }.map(\.0.id)), states)
        }
        return .json(PageView(items: rows.filter { caller.program == nil || $0.0.code == caller.program }.map { row in
            var v = Presenter.program(row.0, enrolled: row.1)
            v.enrolmentApproval = approving.contains(row.0.id)
            v.enrolment = states[row.0.id]
            return v
        }))
    }

    /// `GET /api/reporting/v1/programs/:code`: with its forms and indicator-set versions.
    func detail(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Entry.programView(context, caller: caller, code: try request.parameter("code")))
    }

    /// `POST /api/reporting/v1/programs/:code/enrolment`: the caller's institution takes part, at
    /// once (201/200 `active`) or, when the program approves its participants, after approval
    /// (201 `pending` for a new request, 200 while it is pending).
    func enrol(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let view = try Enrolments.enrol(context, caller: caller, code: try request.parameter("code"), request: request)
        return .json(view, status: view.created ? 201 : 200)
    }

    /// `GET /api/reporting/v1/due`: what the caller's institution has to report.
    func due(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(PageView(items: try Entry.due(context, caller: caller, now: Date())))
    }
}
