import Foundation
import KitCore
import KitClient
import KitPostgres
import Models

/// What handlers of a service share: settings, logger, database pool, HTTP client and the
/// token verifier. One per process, built by `ServiceRunner`.
public final class ServiceContext: Sendable {
    public let settings: ServiceSettings
    public let logger: Logger
    public let db: PGPool?
    public let http: HTTPClient
    public let tokens: TokenKeyStore

    public init(settings: ServiceSettings, logger: Logger, db: PGPool?, http: HTTPClient, tokens: TokenKeyStore) {
        self.settings = settings
        self.logger = logger
        self.db = db
        self.http = http
        self.tokens = tokens
    }

    /// The pool; services without a database never call this.
    public var database: PGPool {
        guard let db else { fatalError("\(settings.name.rawValue) has no database") }
        return db
    }
}
