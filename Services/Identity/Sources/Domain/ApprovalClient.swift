import Foundation
import KitClient
import KitCore
import Models
import ServiceKit

/// Where an application waits, as the approval service reports it (docs/contracts.md).
struct ApprovalProgress: Codable, Sendable {
    struct PendingOrg: Codable, Sendable { let id: String; let name: String }
    struct Decision: Codable, Sendable { let orgName: String?; let decision: String; let opinion: String?; let at: Date? }
    struct Stage: Codable, Sendable {
        let index: Int
        let name: String
        let rule: String
        let approvers: String?
        let status: String
        let since: Date?
        let pendingOrgs: [PendingOrg]?
        let decisions: [Decision]?
        /// The stage went to the next level up (no organisation could approve it): what it
        /// was, and why — the applicant's status page says so.
        let escalatedFrom: String?
        let escalationNote: String?
    }
    let id: String
    let status: String
    let currentStage: Int?
    let stages: [Stage]
    let acted: Bool
}

/// Calls to the approval service's internal API.
struct ApprovalClient: Sendable {
    let context: ServiceContext

    /// Progress of the request on an application; nil when there is none (or approval is down).
    func progress(applicationID: String) -> ApprovalProgress? {
        (try? PeerLookups.approvalRequest(context, service: "identity", subject: applicationID, as: ApprovalProgress.self)) ?? nil
    }

    /// True when an approver has acted (the application is no longer editable). No request yet
    /// (not arrived: nobody could have acted) → false; approval silent → true (safe).
    func hasActed(applicationID: String) -> Bool {
        do {
            return try PeerLookups.approvalRequest(context, service: "identity", subject: applicationID, as: ApprovalProgress.self)?.acted ?? false
        } catch {
            return true
        }
    }
}

/// The files on an application, as documents lists them to its applicant
/// (`GET /api/documents/v1/documents?object=registration:<id>` with the applicant's token).
struct RegistrationDocumentsClient: Sendable {
    let context: ServiceContext

    struct Listed: Decodable, Sendable {
        struct Item: Decodable, Sendable { let id: String; let kind: String; let size: Int?; let fileType: String? }
        let items: [Item]
    }

    func onApplication(_ applicationID: String, authorization: String) throws -> [RegistrationRules.Listed] {
        let url = "\(context.settings.documentsURL)/api/documents/v1/documents?object=registration:\(applicationID)"
        return try context.http.getJSON(url, headers: [("Authorization", authorization)], as: Listed.self).items
            .map { RegistrationRules.Listed(id: $0.id, kind: $0.kind, size: $0.size ?? 0, fileType: $0.fileType ?? "") }
    }
}
