import KitHTTP
import Models
import ServiceKit

/// Who calls a public endpoint: a user (access token) or a registration applicant (the
/// applicant token of his application, before any account exists).
enum Principal: Sendable {
    case user(AccessClaims)
    case applicant(ApplicantClaims)

    var id: String {
        switch self {
        case .user(let c): return c.sub
        case .applicant(let a): return a.sub
        }
    }

    var name: String? {
        if case .user(let c) = self { return c.displayName ?? c.name }
        return nil
    }

    /// True when this is the request's applicant.
    func isApplicant(of r: RequestRecord) -> Bool {
        switch self {
        case .user(let c): return r.applicantUserID != nil && r.applicantUserID == c.sub
        case .applicant(let a): return r.subjectService == "identity" && r.type == "registration" && r.subjectID == a.sub
        }
    }

    static func from(_ context: ServiceContext, _ request: Request) throws -> Principal {
        do {
            return .user(try context.caller(request))
        } catch let e as APIError where e.code == "unauthorized" {
            if let a = try? context.applicant(request) { return .applicant(a) }
            throw e
        }
    }
}
