import Foundation
import KitClient
import Models

/// Lookups of another service's internal API that several services make, written once.
public enum PeerLookups {
    /// The latest request approval opened for `subject` of `service`
    /// (`GET /api/approval/v1/internal/requests/by-subject`), decoded as `T`; nil when it has
    /// none. Any other failure is thrown: the caller decides what a silent approval means.
    public static func approvalRequest<T: Decodable>(_ context: ServiceContext, service: String, subject: String,
                                                     as type: T.Type) throws -> T? {
        var q = URLComponents()
        q.queryItems = [URLQueryItem(name: "service", value: service), URLQueryItem(name: "id", value: subject)]
        let url = "\(context.settings.approvalURL)/api/approval/v1/internal/requests/by-subject?\(q.percentEncodedQuery ?? "")"
        do {
            return try context.http.getJSON(url, headers: context.internalHeaders, as: T.self)
        } catch ClientError.status(404, _) {
            return nil
        }
    }

    /// The id of the latest request approval opened for `subject` of `service`; nil when it has
    /// none. Throws 503 `approval_unavailable` when approval does not answer (nothing is decided
    /// on a guess).
    public static func latestApprovalRequest(_ context: ServiceContext, service: String, subject: String) throws -> String? {
        struct Latest: Decodable { let id: String }
        do {
            return try approvalRequest(context, service: service, subject: subject, as: Latest.self)?.id
        } catch {
            throw APIError(503, "approval_unavailable", "暂时无法向审批服务确认，请稍后重试")
        }
    }

    /// Identity's current scope path of an organisation (`GET /api/identity/v1/internal/organisations/:id`),
    /// the one source of it (an org move applies it). Unknown organisation: 409
    /// `unknown_organisation` (the outbox stops retrying); a path that is not the organisation's:
    /// 409 `invalid_scope_path`; identity unreachable: 503 (the outbox retries).
    public static func organisationPath(_ context: ServiceContext, orgID: String) throws -> String {
        struct Shown: Decodable { let id: String; let scopePath: String }
        let url = "\(context.settings.identityURL)/api/identity/v1/internal/organisations/\(orgID)"
        let shown: Shown
        do {
            shown = try context.http.getJSON(url, headers: context.internalHeaders, as: Shown.self)
        } catch ClientError.status(404, _) {
            throw APIError.conflict("机构不存在", code: "unknown_organisation")
        } catch {
            context.logger.error("organisation path lookup failed", ["error": String(describing: error), "org": orgID])
            throw APIError.unavailable
        }
        guard shown.scopePath.hasPrefix("86/"), shown.scopePath.hasSuffix("/" + orgID) else {
            throw APIError.conflict("机构路径有误", code: "invalid_scope_path")
        }
        return shown.scopePath
    }

    /// The program of the documents folder `report:<id>` (a report or a registry year) at
    /// reporting (`GET /api/reporting/v1/internal/report-folders/:id`); nil when reporting knows
    /// no such report. Reporting unreachable: 503 (nothing is decided on a guess).
    public static func reportFolderProgram(_ context: ServiceContext, id: String) throws -> String? {
        struct Shown: Decodable { let program: String }
        let url = "\(context.settings.reportingURL)/api/reporting/v1/internal/report-folders/\(id)"
        do {
            return try context.http.getJSON(url, headers: context.internalHeaders, as: Shown.self).program
        } catch ClientError.status(404, _) {
            return nil
        } catch {
            context.logger.error("report folder lookup failed", ["error": String(describing: error), "report": id])
            throw APIError.unavailable
        }
    }
}
