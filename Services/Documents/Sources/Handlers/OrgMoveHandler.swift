import KitCore
import KitHTTP
import Models
import ServiceKit

/// `POST /internal/org-moves {orgId}` (internal token; identity's outbox with an idempotency
/// key, docs/accounts.md "Region change"): folders and documents owned under the organisation
/// take identity's current path for it, so report files stay readable by the grants that cover
/// the institution's new region and no longer by the old one's. A repeated key, or a path
/// already applied, changes nothing.
struct OrgMoveHandler: Sendable {
    let app: DocumentsApp

    struct Message: Decodable, Sendable { var orgId: String }
    struct Answer: Encodable, Sendable { var applied: Bool; var scopePath: String; var objects: Int; var documents: Int }

    func move(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let body = try req.decode(Message.self)
        guard ID.isValid(body.orgId) else { throw APIError.invalid("orgId", "机构编号格式错误") }
        let orgID = body.orgId.lowercased()
        let path = try PeerLookups.organisationPath(app.context, orgID: orgID)
        let (applied, objects, documents) = try app.store.moveOrganisation(orgID, to: path, key: req.headers["idempotency-key"])
        return .json(Answer(applied: applied, scopePath: path, objects: objects, documents: documents))
    }
}
