import KitHTTP
import ServiceKit

/// `POST /internal/org-moves {orgId}` (internal token; identity's outbox with an idempotency
/// key, docs/accounts.md "Region change"): folders and documents owned under the organisation
/// take identity's current path for it, so report files stay readable by the grants that cover
/// the institution's new region and no longer by the old one's. A repeated key, or a path
/// already applied, changes nothing.
struct OrgMoveHandler: Sendable {
    let app: DocumentsApp

    struct Answer: Encodable, Sendable { var applied: Bool; var scopePath: String; var objects: Int; var documents: Int }

    func move(_ req: Request) throws -> Response {
        try OrgMoveReceiver.receive(app.context, req, replayed: { Answer(applied: false, scopePath: $0, objects: 0, documents: 0) }) {
            conn, orgID, path in
            let (objects, documents) = try DocumentStore.moveOrganisation(conn, orgID, to: path)
            return Answer(applied: true, scopePath: path, objects: objects, documents: documents)
        }
    }
}
