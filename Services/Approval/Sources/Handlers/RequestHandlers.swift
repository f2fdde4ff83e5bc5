import KitHTTP
import Models
import ServiceKit

/// One request as its approvers and its applicant see it; nobody else learns it exists (404).
struct RequestHandlers {
    let context: ServiceContext

    /// `GET /api/approval/v1/requests/:id`
    func detail(_ request: Request) throws -> Response {
        let principal = try Principal.from(context, request)
        let id = try Rules.requestID(try request.parameter("id"))
        let detail = try context.database.withConnection { conn -> RequestDetail in
            guard let r = try RequestStore.find(conn, id: id) else { throw APIError.notFound }
            var canDecide = false
            if case .user(let claims) = principal {
                let grants = Grants(claims)
                let approver = try ScopeStore.isApprover(conn, requestID: id, grants: grants)
                guard approver || principal.isApplicant(of: r) else { throw APIError.notFound }
                canDecide = try approver && ScopeStore.eligibleOrg(conn, requestID: id, grants: grants) != nil
            } else {
                guard principal.isApplicant(of: r) else { throw APIError.notFound }
            }
            let stages = Presenter.stages(try StageStore.all(conn, requestID: id),
                                          orgs: try ApproverOrgStore.all(conn, requestID: id),
                                          decisions: try DecisionStore.all(conn, requestID: id))
            return Presenter.detail(r, stages: stages, canDecide: canDecide)
        }
        return .json(detail)
    }

    /// `GET /api/approval/v1/requests/:id/history`
    func history(_ request: Request) throws -> Response {
        let principal = try Principal.from(context, request)
        let id = try Rules.requestID(try request.parameter("id"))
        let items = try context.database.withConnection { conn -> [HistoryItem] in
            guard let r = try RequestStore.find(conn, id: id) else { throw APIError.notFound }
            var allowed = principal.isApplicant(of: r)
            if !allowed, case .user(let claims) = principal {
                allowed = try ScopeStore.isApprover(conn, requestID: id, grants: Grants(claims))
            }
            guard allowed else { throw APIError.notFound }
            return Presenter.history(try EventStore.all(conn, requestID: id), stages: try StageStore.all(conn, requestID: id))
        }
        return .json(Page(items: items))
    }

    /// `POST /api/approval/v1/requests/:id/withdraw` by the applicant (access token, or the
    /// applicant token of a registration), while nobody has acted.
    func withdraw(_ request: Request) throws -> Response {
        let principal = try Principal.from(context, request)
        let body = request.body.isEmpty ? WithdrawBody(reason: nil) : try request.decode(WithdrawBody.self)
        let answer = try Withdrawal.withdraw(context, requestID: try request.parameter("id"), by: .principal(principal),
                                             reason: body.reason, request: request)
        return .json(answer)
    }
}
