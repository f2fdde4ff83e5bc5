import KitHTTP

/// The national centre and national specialty centres, managed by the platform operator
/// (docs/registration.md).
enum NationalCentreRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let h = NationalCentreHandlers(app: app)
        let v1 = "/api/identity/v1"
        r.get("\(v1)/national-centres", h.list)
        r.post("\(v1)/national-centres", options: RouteOptions(maxBody: 16 * 1024), h.create)
        r.post("\(v1)/national-centres/:id/accounts", options: RouteOptions(maxBody: 16 * 1024), h.createAccount)
    }
}
