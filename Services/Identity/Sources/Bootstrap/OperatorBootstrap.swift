import Foundation
import KitCore
import Models
import ServiceKit

/// The first platform operator of an installation. Every other account comes from a
/// registration, an approval or an operator; the first operator comes from the installer:
/// with `PLATFORM_OPERATOR_PHONE` set (and optionally `PLATFORM_OPERATOR_USERNAME`, default
/// `operator`, and `PLATFORM_OPERATOR_NAME`), identity creates it at start-up when no platform
/// operator exists yet, with a generated initial password sent by SMS to that phone, like any
/// new account; the first login passes the SMS step and must change the password.
enum OperatorBootstrap {
    static func run(_ app: IdentityApp) throws {
        guard let phone = Env.optional("PLATFORM_OPERATOR_PHONE") else { return }
        guard ChineseFormats.isMobile(phone) else {
            throw ServiceRunner.ConfigurationError(problems: ["PLATFORM_OPERATOR_PHONE is not a mainland mobile number"])
        }
        let username = Env.string("PLATFORM_OPERATOR_USERNAME", "operator")
        let name = Env.string("PLATFORM_OPERATOR_NAME", "平台运营")
        let orgs = OrganisationStore(app: app)
        let users = UserStore(app: app)
        let created: Bool = try app.db.transaction { conn in
            try orgs.lockOperatorBootstrap(conn)
            guard try !users.anyHolder(conn, of: .platformOperator) else { return false }
            guard let platform = try orgs.get(conn, id: OrganisationStore.platformID) else {
                throw ServiceRunner.ConfigurationError(problems: ["the platform organisation is missing (migrations)"])
            }
            guard try !users.usernameTaken(conn, username) else {
                throw ServiceRunner.ConfigurationError(problems: ["PLATFORM_OPERATOR_USERNAME \(username) is taken by an account that is not an operator"])
            }
            let password = PasswordPolicy.generate()
            let id = try users.create(conn, username: username, phone: phone, email: nil, displayName: name, orgID: platform.id,
                                      mainAccountID: nil, password: password, phoneVerified: true, mustChangePassword: true)
            try users.grant(conn, userID: id, role: .platformOperator, orgID: platform.id, scopePath: platform.scopePath, specialty: nil)
            try MessageStore.enqueue(conn, channel: "sms", to: phone,
                body: "【质控平台】平台运营账号已开通，用户名：\(username)，初始密码：\(password)，首次登录须修改密码。")
            try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: platform.id, action: "operator_bootstrapped", objectType: "user",
                                              objectID: id, newValue: Audit.json(["username": username])))
            return true
        }
        if created { app.context.logger.info("first platform operator created", ["username": username]) }
    }
}
