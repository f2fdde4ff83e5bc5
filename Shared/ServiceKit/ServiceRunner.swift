import Foundation
import KitCore
import KitClient
import KitHTTP
import KitPostgres
import Models

/// Starts a service: signals, logger, database (waits for it, migrates its schema), routes
/// (`/healthz`, `/readyz`, then the service's own), HTTP server; stops cleanly on SIGTERM.
public enum ServiceRunner {
    public struct Definition {
        public var name: ServiceName
        /// Folder of numbered SQL migrations, or nil for a service without a database.
        public var migrations: URL?
        public var configure: (ServiceContext, Router) throws -> Void
        /// Background work started after the server (outbox delivery, for example).
        public var background: [(ServiceContext) -> BackgroundTask] = []

        public init(name: ServiceName, migrations: URL?, configure: @escaping (ServiceContext, Router) throws -> Void) {
            self.name = name
            self.migrations = migrations
            self.configure = configure
        }
    }

    public static func run(_ definition: Definition) -> Never {
        let signals = Signals.prepare()
        let settings = ServiceSettings(name: definition.name)
        let logger = Logger(service: definition.name.rawValue)
        do {
            let running = try start(definition, settings: settings, logger: logger)
            logger.info("listening", ["host": settings.server.host, "port": String(running.server.port)])
            let sig = Signals.wait(signals)
            logger.info("stopping", ["signal": String(sig)])
            running.stop()
            logger.info("stopped")
            exit(0)
        } catch {
            logger.error("start failed", ["error": String(describing: error)])
            exit(1)
        }
    }

    /// A started service (also used by tests that run a service in-process).
    public final class Running: @unchecked Sendable {
        public let server: HTTPServer
        public let context: ServiceContext
        let tasks: [BackgroundTask]

        init(server: HTTPServer, context: ServiceContext, tasks: [BackgroundTask]) {
            self.server = server
            self.context = context
            self.tasks = tasks
        }

        public func stop() {
            server.shutdown()
            for t in tasks { t.stop() }
            context.db?.shutdown()
        }
    }

    public struct ConfigurationError: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String { problems.joined(separator: "; ") }
    }

    public static func start(_ definition: Definition, settings: ServiceSettings, logger: Logger) throws -> Running {
        let problems = settings.startupProblems()
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        var pool: PGPool?
        if let migrations = definition.migrations {
            let db = PGPool(url: settings.databaseURL, size: settings.databasePoolSize,
                            onEvent: { event in logger.warning("database", ["event": event]) })
            try waitForDatabase(db, logger: logger)
            // The kit's own tables (outbox, processed keys, audit log) first, then the service's.
            if let kitDir = Bundle.module.url(forResource: "KitMigrations", withExtension: nil) {
                _ = try Migrator(pool: db, schema: definition.name.rawValue, directory: kitDir, table: "kit_migrations").migrate()
            }
            let applied = try Migrator(pool: db, schema: definition.name.rawValue, directory: migrations).migrate()
            if !applied.isEmpty { logger.info("migrated", ["versions": applied.map(String.init).joined(separator: ",")]) }
            pool = db
        }
        let http = HTTPClient(options: {
            var o = HTTPClient.Options()
            o.timeout = Env.double("HTTP_CLIENT_TIMEOUT", 10)
            o.jsonEncoder = JSON.encoder()
            o.jsonDecoder = JSON.decoder()
            return o
        }())
        let tokens = TokenKeyStore(identityURL: settings.identityURL, http: http)
        let context = ServiceContext(settings: settings, logger: logger, db: pool, http: http, tokens: tokens)
        let router = Router()
        HealthRoutes.install(on: router, context: context)
        try definition.configure(context, router)
        RouteListing.install(on: router, context: context)
        let server = HTTPServer(config: settings.server, router: router)
        try server.start()
        let tasks = definition.background.map { $0(context) }
        return Running(server: server, context: context, tasks: tasks)
    }

    /// Retries for up to DB_WAIT_SECONDS (default 60): the database may start after us.
    static func waitForDatabase(_ db: PGPool, logger: Logger) throws {
        let deadline = Date().addingTimeInterval(Env.double("DB_WAIT_SECONDS", 60))
        var logged = false
        while true {
            do {
                try db.query("SELECT 1")
                return
            } catch {
                if Date() > deadline { throw error }
                if !logged { logger.warning("waiting for database", ["error": String(describing: error)]); logged = true }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }
}

/// A thread doing periodic work until stopped.
public final class BackgroundTask: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    public let name: String

    /// Calls `tick` every `interval` seconds (and again at once when it returns true: more work).
    public init(name: String, interval: TimeInterval, tick: @escaping @Sendable () -> Bool) {
        self.name = name
        let t = Thread { [self] in
            while true {
                condition.lock()
                if stopping { finished = true; condition.broadcast(); condition.unlock(); return }
                condition.unlock()
                let more = tick()
                condition.lock()
                if !more && !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
                condition.unlock()
            }
        }
        t.name = name
        t.start()
    }

    /// Wakes the task now (new work was queued).
    public func poke() {
        condition.lock(); condition.broadcast(); condition.unlock()
    }

    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
