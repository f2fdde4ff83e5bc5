import KitCrypto
import KitHTTP
import Models

/// Who is calling: the verified claims of a bearer token, or an internal service call.
extension ServiceContext {
    /// The caller's claims from `Authorization: Bearer …` (the gateway turns the portal's
    /// session cookie into this header). 401 when absent or invalid; 403
    /// `password_change_required` while a first-login or admin-reset password is unchanged,
    /// in every service, unless the route is one that must work then (`allowPasswordChange`).
    /// 403 `program_token_refused` for a password-only program login (claims carry `program`)
    /// unless the route opts in (`allowProgram`: reporting routes of that program).
    public func caller(_ request: Request, allowPasswordChange: Bool = false, allowProgram: Bool = false) throws -> AccessClaims {
        let claims = try tokens.verify(try bearer(request))
        guard claims.typ == "access" else { throw APIError.unauthorized }
        return try admit(claims, allowPasswordChange: allowPasswordChange, allowProgram: allowProgram)
    }

    /// A signed-in user's claims (as `caller`) or an applicant's (as `applicant`), from one
    /// signature check: for routes that take either (documents' folders).
    public func callerOrApplicant(_ request: Request) throws -> BearerClaims {
        let either = try tokens.verify(try bearer(request), as: EitherClaims.self)
        if let claims = either.access, claims.typ == "access" { return .user(try admit(claims)) }
        if let claims = either.applicant, claims.typ == "applicant" { return .applicant(claims) }
        throw APIError.unauthorized
    }

    private func admit(_ claims: AccessClaims, allowPasswordChange: Bool = false, allowProgram: Bool = false) throws -> AccessClaims {
        if claims.program != nil && !allowProgram {
            throw APIError(403, "program_token_refused", "当前登录仅限上报项目使用，请使用短信验证登录后再操作")
        }
        if claims.mustChangePassword == true && !allowPasswordChange {
            throw APIError(403, "password_change_required", "首次登录或密码被重置，请先修改密码")
        }
        return claims
    }

    /// The claims of either kind of token, decoded from one verified payload.
    private struct EitherClaims: Decodable {
        let access: AccessClaims?
        let applicant: ApplicantClaims?

        init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            access = try? value.decode(AccessClaims.self)
            applicant = try? value.decode(ApplicantClaims.self)
        }
    }

    /// The bearer's token string, or 401.
    public func bearer(_ request: Request) throws -> String {
        guard let auth = request.headers["authorization"], auth.count > 7,
              auth.prefix(7).lowercased() == "bearer " else { throw APIError.unauthorized }
        return String(auth.dropFirst(7))
    }

    /// An applicant working on a registration application (token from phone verification).
    public func applicant(_ request: Request) throws -> ApplicantClaims {
        let claims = try tokens.verify(try bearer(request), as: ApplicantClaims.self)
        guard claims.typ == "applicant" else { throw APIError.unauthorized }
        return claims
    }

    /// Requires the shared internal token (service-to-service callbacks). 403 otherwise.
    public func requireInternal(_ request: Request) throws {
        guard let given = request.headers["x-internal-token"],
              constantTimeEquals(Array(given.utf8), Array(settings.internalToken.utf8)) else {
            throw APIError.forbidden
        }
    }

    /// Headers for calls to other services.
    public var internalHeaders: [(String, String)] { [("X-Internal-Token", settings.internalToken)] }
}

/// Who a token says the caller is: a signed-in user or an applicant (`callerOrApplicant`).
public enum BearerClaims: Sendable {
    case user(AccessClaims)
    case applicant(ApplicantClaims)
}
