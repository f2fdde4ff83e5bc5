import Foundation
import KitCore
import KitHTTP
import Models

/// Everything a service reads from its environment (see the README's table).
public struct ServiceSettings: Sendable {
    public let name: ServiceName
    public let server: ServerConfig
    /// `<NAME>_DATABASE_URL`, else `DATABASE_URL`; the service's own role and schema.
    public let databaseURL: String
    public let databasePoolSize: Int
    /// DEV_MODE=1 enables the dev inbox and other local conveniences; never in production.
    public let devMode: Bool
    /// Shared secret on service-to-service calls (callbacks, internal endpoints).
    public let internalToken: String
    public let identityURL: String
    public let documentsURL: String
    public let approvalURL: String
    public let reportingURL: String

    public init(name: ServiceName) {
        self.name = name
        var server = ServerConfig.fromEnvironment(service: name.rawValue, defaultPort: name.defaultPort)
        // The gateway's workers mostly wait on upstream calls: more of them.
        server.workers = Env.int("WORKERS", name == .gateway ? 64 : 16)
        self.server = server
        let upper = name.rawValue.uppercased()
        databaseURL = Env.optional("\(upper)_DATABASE_URL") ?? Env.string("DATABASE_URL",
            "postgresql://\(name.rawValue)_svc@127.0.0.1:5432/quality")
        databasePoolSize = Env.int("DB_POOL_SIZE", 8)
        devMode = Env.bool("DEV_MODE", false)
        internalToken = Env.string("INTERNAL_TOKEN", Self.devInternalToken)
        identityURL = Env.string("IDENTITY_URL", "http://127.0.0.1:8081")
        documentsURL = Env.string("DOCUMENTS_URL", "http://127.0.0.1:8082")
        approvalURL = Env.string("APPROVAL_URL", "http://127.0.0.1:8083")
        reportingURL = Env.string("REPORTING_URL", "http://127.0.0.1:8084")
    }

    /// The dev default of INTERNAL_TOKEN; never accepted outside dev mode.
    public static let devInternalToken = "dev-internal-token-change-me"

    /// What must be configured before a service may start outside dev mode: the shared
    /// internal token (set, not the dev default, at least 16 characters) and, for identity,
    /// the token signing key (TOKEN_SIGNING_KEY or TOKEN_KEY_FILE named explicitly — never a
    /// key made up in the working directory). Empty in dev mode.
    public func startupProblems() -> [String] {
        guard !devMode else { return [] }
        var problems: [String] = []
        if Env.optional("INTERNAL_TOKEN") == nil || internalToken == Self.devInternalToken || internalToken.count < 16 {
            problems.append("INTERNAL_TOKEN must be set to a secret of at least 16 characters outside dev mode (DEV_MODE=1)")
        }
        if name == .identity && Env.optional("TOKEN_SIGNING_KEY") == nil && Env.optional("TOKEN_KEY_FILE") == nil {
            problems.append("TOKEN_SIGNING_KEY or TOKEN_KEY_FILE must be set outside dev mode (DEV_MODE=1)")
        }
        return problems
    }

    /// Base URL of another service.
    public func url(of service: ServiceName) -> String {
        switch service {
        case .identity: return identityURL
        case .documents: return documentsURL
        case .approval: return approvalURL
        case .reporting: return reportingURL
        case .gateway: return Env.string("GATEWAY_URL", "http://127.0.0.1:8080")
        }
    }
}
