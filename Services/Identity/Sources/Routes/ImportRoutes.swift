import KitHTTP

/// Account import, activation and login-name changes (docs/accounts.md).
enum ImportRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let h = AccountImportHandlers(app: app)
        let v1 = "/api/identity/v1"
        r.post("\(v1)/account-imports", options: RouteOptions(maxBody: AccountImportLimits.maxBytes), h.dryRun)
        r.get("\(v1)/account-imports/:id", h.get)
        r.post("\(v1)/account-imports/:id/commit", h.commit)
        r.post("\(v1)/activation/sms-code", h.activationCode)
        r.post("\(v1)/activation", h.activate)
        r.patch("\(v1)/me/username", h.rename)
        OrgChangeRoutes.install(r, app)
    }
}

/// 变更资料 (docs/accounts.md).
enum OrgChangeRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let h = OrgChangeHandlers(app: app)
        let v1 = "/api/identity/v1"
        r.get("\(v1)/org-changes", h.mine)
        r.post("\(v1)/org-changes", options: RouteOptions(maxBody: 16 * 1024), h.submit)
        r.post("\(v1)/internal/org-change-outcomes", h.outcome)
    }
}
