import KitHTTP
import Models

/// Every route of the identity service, public first, then internal, then dev-only.
enum IdentityRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let pub = PublicHandlers(app: app)
        let verification = VerificationHandlers(app: app)
        let applications = ApplicationHandlers(app: app)
        let sessions = SessionHandlers(app: app)
        let accounts = AccountHandlers(app: app)
        let subs = SubAccountHandlers(app: app)
        let service = InternalHandlers(app: app)
        let v1 = "/api/identity/v1"

        r.get("/api/identity/keys", pub.keys)
        r.get("\(v1)/regions", pub.regions)
        r.get("\(v1)/specialties", options: .inline, pub.specialties)
        r.get("\(v1)/roles", options: .inline, pub.roles)
        r.get("\(v1)/institutions", pub.institutions)
        r.get("\(v1)/organisations", pub.bodies)

        r.get("\(v1)/captcha", verification.captcha)
        r.post("\(v1)/sms-codes", verification.sendCode)

        r.post("\(v1)/applications/verify", applications.verify)
        r.get("\(v1)/applications/:id", applications.get)
        r.put("\(v1)/applications/:id", options: RouteOptions(maxBody: 64 * 1024), applications.update)
        r.post("\(v1)/applications/:id/submit", applications.submit)
        r.post("\(v1)/applications/:id/credentials", applications.resendCredentials)

        r.post("\(v1)/sessions", sessions.login)
        r.post("\(v1)/sessions/verify", sessions.verifyLogin)
        r.post("\(v1)/sessions/refresh", sessions.refresh)
        r.post("\(v1)/sessions/logout", sessions.logout)

        r.get("\(v1)/me", accounts.me)
        r.patch("\(v1)/me", accounts.updateProfile)
        r.post("\(v1)/me/sms-code", accounts.profileCode)
        r.post("\(v1)/me/password", accounts.changePassword)
        r.post("\(v1)/password-resets", accounts.requestReset)
        r.post("\(v1)/password-resets/confirm", accounts.confirmReset)
        r.post("\(v1)/accounts/lookup", accounts.lookup)

        r.get("\(v1)/users", subs.list)
        r.post("\(v1)/users", subs.create)
        r.patch("\(v1)/users/:id", subs.edit)
        r.post("\(v1)/users/:id/status", subs.setStatus)
        r.delete("\(v1)/users/:id", subs.delete)
        r.post("\(v1)/users/:id/reset-password", subs.resetPassword)

        r.get("\(v1)/internal/organisations", service.organisations)
        r.post("\(v1)/internal/organisations", service.createOrganisation)
        r.post("\(v1)/internal/organisations/names", service.organisationNames)
        r.post("\(v1)/internal/users", service.createUser)
        r.post("\(v1)/internal/approval-outcomes", service.approvalOutcome)
        r.get("\(v1)/internal/approval-outcomes/:requestId", service.outcomeStatus)
        r.get("\(v1)/internal/applications/:id/form-data", service.formData)
        NotifyHandlers.install(r, app)

        if app.context.settings.devMode {
            let dev = DevHandlers(app: app)
            r.get("\(v1)/dev/messages", dev.messages)
            r.get("\(v1)/dev/captchas/:id", dev.captcha)
        }
    }
}
