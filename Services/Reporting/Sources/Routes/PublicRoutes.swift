import KitHTTP
import ServiceKit

/// Public routes (through the gateway, access token required) → handlers → engine → store.
enum PublicRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let programs = ProgramHandlers(context: context)
        let reports = ReportHandlers(context: context)
        let v1 = "/api/reporting/v1"
        router.get("\(v1)/programs", programs.list)
        router.get("\(v1)/programs/:code", programs.detail)
        router.post("\(v1)/programs/:code/enrolment", programs.enrol)
        router.get("\(v1)/programs/:code/forms/:form/periods/:period", reports.byPeriod)
        router.get("\(v1)/due", programs.due)
        router.get("\(v1)/reports", reports.list)
        router.post("\(v1)/reports", reports.create)
        router.get("\(v1)/reports/:id", reports.detail)
        router.put("\(v1)/reports/:id/values", reports.save)
        router.post("\(v1)/reports/:id/submit", reports.submit)
        router.get("\(v1)/reports/:id/edits", reports.edits)
        router.post("\(v1)/reports/:id/modification", reports.modification)
        router.get("\(v1)/reports/:id/export.csv", reports.exportCSV)
    }
}

/// Internal routes (X-Internal-Token; the gateway answers 404 for them).
enum InternalRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let internalHandlers = InternalHandlers(context: context)
        router.put("/api/reporting/v1/internal/programs/:code/windows/:period", internalHandlers.announce)
        router.post("/api/reporting/v1/internal/approval-outcomes", internalHandlers.approvalOutcome)
        router.post("/api/reporting/v1/internal/demo-seed", internalHandlers.demoSeed)
        router.get("/api/reporting/v1/internal/report-folders/:id", internalHandlers.reportFolder)
    }
}
