import KitHTTP

/// Issue 17's remaining registration pieces (docs/registration.md "Materials limits at upload").
enum RegrestRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let h = UploadPolicyHandlers(app: app)
        let v1 = "/api/identity/v1"
        r.get("\(v1)/internal/applications/:id/upload-policy", h.uploadPolicy)
        r.get("\(v1)/internal/organisations/:id", OrganisationPathHandlers(app: app).get)
        r.post("\(v1)/org-changes/admin-code", options: RouteOptions(maxBody: 1024), AdminBindingHandlers(app: app).sendCode)
    }
}
