import KitCore
import KitHTTP
import Models

/// `GET /api/identity/v1/internal/organisations/:id/registration` (X-Internal-Token): the
/// institution's approved registration — application id and its verified document ids — so that
/// reporting's enrolment approval shows them to the approvers instead of asking for new uploads.
enum VerifiedRegistrationRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        r.get("/api/identity/v1/internal/organisations/:id/registration") { req in
            try app.context.requireInternal(req)
            let id = try req.parameter("id")
            guard ID.isValid(id), let found = try VerifiedRegistrationStore(app: app).latest(orgID: id) else {
                throw APIError.notFound
            }
            return .json(found)
        }
    }
}
