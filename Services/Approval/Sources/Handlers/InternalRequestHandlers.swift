import KitHTTP
import Models
import ServiceKit

/// Service-to-service endpoints (X-Internal-Token; the gateway never routes them).
struct InternalRequestHandlers {
    let context: ServiceContext

    /// `POST /api/approval/v1/internal/requests`: 201 `{"id"}`, or 200 with the same id for
    /// the same Idempotency-Key.
    func create(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let body = try request.decode(CreateRequestBody.self)
        let key = try Outbox.deliveryKey(request)
        let opened = try Opener.open(context, body: body, idempotencyKey: key, request: request)
        let r = opened.record
        return .json(CreatedAnswer(id: r.id, status: r.status, currentStage: r.currentStage),
                     status: opened.created ? 201 : 200)
    }

    /// `GET /api/approval/v1/internal/requests/by-subject?service=&id=`: the subject's latest request.
    func bySubject(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let q = request.query
        guard let service = q["service"], !service.isEmpty, let id = q["id"], !id.isEmpty else {
            throw APIError.invalid("service", "缺少 service 或 id 参数", code: "missing_field")
        }
        let status = try context.database.withConnection { conn -> SubjectStatus in
            guard let r = try RequestStore.latestForSubject(conn, service: service, subjectID: id) else { throw APIError.notFound }
            let stages = Presenter.stages(try StageStore.all(conn, requestID: r.id),
                                          orgs: try ApproverOrgStore.all(conn, requestID: r.id),
                                          decisions: try DecisionStore.all(conn, requestID: r.id))
            return Presenter.subjectStatus(r, stages: stages)
        }
        return .json(status)
    }

    /// `POST /api/approval/v1/internal/requests/:id/withdraw`: the subject's service takes the
    /// request back (only while nobody has acted).
    func withdraw(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let body = request.body.isEmpty ? WithdrawBody(reason: nil) : try request.decode(WithdrawBody.self)
        return .json(try Withdrawal.withdraw(context, requestID: try request.parameter("id"), by: .service,
                                             reason: body.reason, request: request))
    }

    /// `POST /api/approval/v1/internal/requests/by-subject/withdraw` `{"service","id","requestId"?}`:
    /// 200 with the withdrawn ids (none when nothing was open: the effect is already there).
    func withdrawSubject(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let body = try request.decode(SubjectWithdrawBody.self)
        return .json(SubjectWithdrawAnswer(withdrawn: try Withdrawal.withdrawSubject(context, body, request: request)))
    }

    /// `POST /api/approval/v1/internal/can-view`: is this user an approver of a request on
    /// that subject (documents asks before serving an attachment).
    func canView(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let body = try request.decode(CanViewBody.self)
        let grants = Grants(userID: body.claims.sub, assignments: body.claims.roles)
        let allowed = try context.database.withConnection { conn in
            try ScopeStore.isApproverOfSubject(conn, service: body.subjectService, subjectID: body.subjectId, grants: grants)
        }
        return .json(CanViewAnswer(allowed: allowed))
    }

    /// `GET /api/approval/v1/internal/requests/:id/delivery`: the outcome's outbox row.
    func delivery(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let id = try Rules.requestID(try request.parameter("id"))
        let view = try context.database.withConnection { conn in
            try DeliveryStore.find(conn, key: Outcome.key(id))
        }
        guard let view else { throw APIError.notFound }
        return .json(view)
    }
}
