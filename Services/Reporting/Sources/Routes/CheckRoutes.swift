import Models
import KitHTTP
import ServiceKit

/// Routes of the checks around entry (access token required; scope in SQL). docs/reporting.md.
enum CheckRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let checks = CheckHandlers(context: context)
        router.get("/api/reporting/v1/periods/export.csv", checks.periodsCSV)
        router.post("/api/reporting/v1/internal/reminders/run", ReminderHandlers(context: context).run)
    }
}
