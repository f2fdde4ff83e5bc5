import KitHTTP
import ServiceKit

/// Enrolment approval (docs/reporting.md): the participants of a program, and approval's
/// outcomes of enrolment requests (internal). `POST /programs/:code/enrolment` stays in PublicRoutes.
enum EnrolmentRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let h = EnrolmentHandlers(context: context)
        router.get("/api/reporting/v1/programs/:code/enrolments", h.participants)
        router.post(Enrolments.callbackPath, h.outcome)
    }
}
