import Foundation
import KitCrypto
import KitPostgres
import Models

/// What a successful login, refresh or password change returns.
struct SessionTokens: Codable, Sendable {
    var accessToken: String
    var refreshToken: String
    var expiresIn: Int
    var tokenType = "Bearer"
    var mustChangePassword: Bool
    var user: UserView
    /// Row id of the refresh token (for rotation); not part of the answer.
    var refreshID: String = ""

    enum CodingKeys: String, CodingKey { case accessToken, refreshToken, expiresIn, tokenType, mustChangePassword, user }
}

/// Signs access tokens (15 min, roles inside) and applicant tokens.
struct TokenIssuer: Sendable {
    let app: IdentityApp

    /// `program`: a password-only login for a program without the SMS step. The token names the
    /// program and carries only its reporting roles; services refuse it unless a route opts in.
    func session(_ conn: PGConnection, user: User, program: String? = nil) throws -> SessionTokens {
        let users = UserStore(app: app)
        var roles = try users.roles(conn, userID: user.id)
        if program != nil { roles = roles.filter { AccessClaims.programRoles.contains($0.role) } }
        let now = Int(Date().timeIntervalSince1970)
        let claims = AccessClaims(sub: user.id, name: user.username, roles: roles, iat: now, exp: now + app.config.accessTokenTTL,
                                  mustChangePassword: user.mustChangePassword ? true : nil, program: program,
                                  displayName: user.displayName)
        let refresh = try SessionStore(app: app).issueRefresh(conn, userID: user.id, program: program)
        return SessionTokens(accessToken: try app.signer.sign(claims), refreshToken: refresh.token,
                             expiresIn: app.config.accessTokenTTL, mustChangePassword: user.mustChangePassword,
                             user: try users.view(conn, user, masked: false), refreshID: refresh.id)
    }

    func applicant(applicationID: String, phone: String) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        return try app.signer.sign(ApplicantClaims(applicationID: applicationID, phone: phone, iat: now, exp: now + app.config.applicantTokenTTL))
    }
}
