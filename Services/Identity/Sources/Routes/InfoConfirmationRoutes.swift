import KitHTTP

/// Zhejiang's general information confirmation (docs/registration.md).
enum InfoConfirmationRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let h = InfoConfirmationHandlers(app: app)
        let v1 = "/api/identity/v1"
        r.get("\(v1)/info-confirmation", h.get)
        r.post("\(v1)/info-confirmation", options: RouteOptions(maxBody: 4 * 1024), h.confirm)
        r.post("\(v1)/internal/info-confirmation/reminders/run", options: RouteOptions(maxBody: 1024), h.run)
    }
}
