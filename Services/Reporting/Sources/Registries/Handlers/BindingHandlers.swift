import Foundation
import KitHTTP
import Models
import ServiceKit

/// 绑定既往数据 and the lists of registry years (thin: caller, parameters, engine, view).
struct BindingHandlers {
    let context: ServiceContext

    /// `GET /history-records?program=&q=&limit=&cursor=`
    func search(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 20)
        return .json(try Binding.search(context, caller: caller, params: request.query, paging: paging))
    }

    /// `GET /history-records/:id`: the preview.
    func show(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Binding.show(context, caller: caller, id: try request.parameter("id")))
    }

    /// `POST /history-records/:id/binding`: the request to bind, sent to approval.
    func request(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Binding.request(context, caller: caller, id: try request.parameter("id"), request: request), status: 201)
    }

    /// `GET /history-bindings?program=`: the institution's requests and bound records.
    func list(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Binding.list(context, caller: caller, programCode: request.query["program"]))
    }

    /// `POST /history-bindings/:id/unbind`: 解绑.
    func unbind(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Binding.unbind(context, caller: caller, id: try request.parameter("id"), request: request))
    }

    /// `GET /registry-years/:program?period=&org=&limit=&cursor=`
    func years(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 50)
        return .json(try RegistryYearList.list(context, caller: caller, programCode: try request.parameter("program"),
                                               params: request.query, paging: paging))
    }

    /// `POST /api/reporting/v1/internal/binding-outcomes`: approval's final decision on a
    /// binding request, applied once.
    func outcome(_ request: Request) throws -> Response {
        let body = try OutcomeCallback.read(context, request)
        let key = try Outbox.deliveryKey(request)
        return .json(try Binding.applyOutcome(context, body: body, idempotencyKey: key, request: request))
    }
}
