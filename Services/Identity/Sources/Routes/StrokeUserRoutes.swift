import KitHTTP

/// Stroke registry individual users: 用户注册, 个人身份认证, listed persons
/// (docs/registration.md, "脑卒中登记个人用户"). 账号激活 is `ImportRoutes`' activation.
enum StrokeUserRoutes {
    static func install(_ r: Router, _ app: IdentityApp) {
        let h = StrokeUserHandlers(app: app)
        let v1 = "/api/identity/v1"
        r.get("\(v1)/stroke-units", h.units)
        r.post("\(v1)/stroke-users/sms-code", h.sendCode)
        r.post("\(v1)/stroke-users", options: RouteOptions(maxBody: 8 * 1024), h.register)
        r.get("\(v1)/stroke-users", h.list)
        r.get("\(v1)/stroke-users/me", h.me)
        r.post("\(v1)/stroke-users/me/certification", options: RouteOptions(maxBody: 4 * 1024), h.certify)
        r.post("\(v1)/stroke-users/listed", options: RouteOptions(maxBody: 4 * 1024), h.addListed)
        r.post("\(v1)/internal/stroke-certification-outcomes", h.outcome)
    }
}
