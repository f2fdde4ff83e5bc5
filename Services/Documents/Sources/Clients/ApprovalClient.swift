import Foundation
import KitClient
import KitCore
import Models
import ServiceKit

/// Asks approval whether a user is an approver of a request on an object's subject
/// (`POST /api/approval/v1/internal/can-view`, contracts.md).
struct ApprovalClient: Sendable {
    let context: ServiceContext

    struct Question: Encodable {
        var subjectService: String
        var subjectId: String
        var claims: AccessClaims
    }

    struct Answer: Decodable {
        var allowed: Bool
    }

    /// True when approval says yes. A refusal or an unknown subject is "no"; approval being
    /// unreachable is 503 (the approver should retry, not be told the file does not exist).
    func canView(_ object: ObjectRef, claims: AccessClaims) throws -> Bool {
        let url = context.settings.approvalURL + "/api/approval/v1/internal/can-view"
        do {
            let answer = try context.http.postJSON(url, body: Question(subjectService: object.type.subjectService,
                                                                       subjectId: object.id, claims: claims),
                                                   headers: context.internalHeaders, as: Answer.self)
            return answer.allowed
        } catch ClientError.status(let status, _) where (400..<500).contains(status) {
            if status != 404 {
                context.logger.warning("can-view refused", ["status": String(status), "object": object.key])
            }
            return false
        } catch {
            context.logger.error("can-view failed", ["error": String(describing: error), "object": object.key])
            throw APIError.unavailable
        }
    }

    struct SubjectStatus: Decodable {
        var acted: Bool
    }

    /// True when an approver has acted on the latest request about the object's subject
    /// (`GET /api/approval/v1/internal/requests/by-subject`): its sealed evidence is then what
    /// the approvers judged and stays as it is. No request yet is "no"; approval unreachable
    /// is 503 (nothing is changed on a guess).
    func approverActed(on object: ObjectRef) throws -> Bool {
        do {
            return try PeerLookups.approvalRequest(context, service: object.type.subjectService, subject: object.id,
                                                   as: SubjectStatus.self)?.acted ?? false
        } catch {
            context.logger.error("by-subject failed", ["error": String(describing: error), "object": object.key])
            throw APIError.unavailable
        }
    }
}
