import KitHTTP
import Models
import ServiceKit

/// The chains: listed for every signed-in user; added or changed by a program's service.
struct ChainHandlers {
    let context: ServiceContext

    /// `GET /api/approval/v1/chains`
    func list(_ request: Request) throws -> Response {
        _ = try context.caller(request)
        let chains = try context.database.withConnection { try ChainStore.all($0, includeInactive: false) }
        return .json(Page(items: chains))
    }

    /// `PUT /api/approval/v1/internal/chains/:code`: requests already open keep their stages.
    func upsert(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        let code = try request.parameter("code")
        let chain = try ChainRules.chain(code: code, body: try request.decode(ChainBody.self))
        try context.database.transaction { conn in
            let old = try ChainStore.find(conn, code: code)
            try ChainStore.upsert(conn, chain)
            try Audit.record(conn, AuditEntry(actorID: "service:internal", action: old == nil ? "approval.chain.create" : "approval.chain.update",
                                              objectType: "approval_chain", objectID: code, oldValue: old.flatMap(Audit.json),
                                              newValue: Audit.json(chain), request: request))
        }
        return .json(chain)
    }
}
