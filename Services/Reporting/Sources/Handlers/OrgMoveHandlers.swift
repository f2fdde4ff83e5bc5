import Foundation
import KitClient
import KitCore
import KitHTTP
import Models
import ServiceKit

/// `POST /internal/org-moves {orgId}` (internal token, identity's outbox with an idempotency
/// key): the organisation's rows take identity's current path for it. Identity is asked at
/// delivery (`GET /internal/organisations/:id`), so a retried or late message ends at the same
/// path; a repeated key is answered without touching anything.
struct OrgMoveHandlers: Sendable {
    let context: ServiceContext

    struct Message: Decodable, Sendable { var orgId: String }

    struct Answer: Encodable, Sendable {
        var applied: Bool
        var scopePath: String?
        var moved: [String: Int]
    }

    func move(_ req: Request) throws -> Response {
        try context.requireInternal(req)
        let body = try req.decode(Message.self)
        guard ID.isValid(body.orgId) else { throw APIError.invalid("orgId", "机构编号格式错误") }
        let orgID = body.orgId.lowercased()
        let path = try OrgPaths.current(context, orgID: orgID)
        let answer = try context.database.transaction { conn -> Answer in
            if let key = req.headers["idempotency-key"], !(try Outbox.firstDelivery(conn, key: key)) {
                return Answer(applied: false, scopePath: path, moved: [:])
            }
            return Answer(applied: true, scopePath: path, moved: try OrgMoveStore.move(conn, orgID: orgID, to: path))
        }
        return .json(answer)
    }
}

/// Identity's current path of an organisation (the one source of it).
enum OrgPaths {
    struct Shown: Decodable, Sendable { var id: String; var scopePath: String }

    static func current(_ context: ServiceContext, orgID: String) throws -> String {
        let url = "\(context.settings.identityURL)/api/identity/v1/internal/organisations/\(orgID)"
        do {
            let shown = try context.http.getJSON(url, headers: context.internalHeaders, as: Shown.self)
            guard shown.scopePath.hasPrefix("86/"), shown.scopePath.hasSuffix("/" + orgID) else {
                throw APIError.conflict("机构路径有误", code: "invalid_scope_path")
            }
            return shown.scopePath
        } catch ClientError.status(404, _) {
            // Not a retryable answer for the outbox (it retries 404s): the organisation is unknown.
            throw APIError.conflict("机构不存在", code: "unknown_organisation")
        } catch let e as APIError {
            throw e
        } catch {
            context.logger.error("organisation path lookup failed", ["error": String(describing: error), "org": orgID])
            throw APIError.unavailable
        }
    }
}
