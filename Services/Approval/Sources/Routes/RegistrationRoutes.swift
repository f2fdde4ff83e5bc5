import KitHTTP
import ServiceKit

/// Routes added for registration (issue 17): requests waiting too long.
enum RegistrationRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let stale = StaleHandlers(context: context)
        router.get("/api/approval/v1/stale", stale.list)
    }
}
