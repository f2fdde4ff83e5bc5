import Foundation
import KitCore

/// Settings of one HTTP server. `fromEnvironment` reads the README's variables.
public struct ServerConfig: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (see `HTTPServer.port`).
    public var port = 8080
    /// Event loops (one epoll thread each); default one per core.
    public var eventLoops = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Threads that run blocking handlers; size it with the database pool.
    public var workers = 16
    /// How long (µs) a worker that runs out of jobs keeps looking before it parks (one worker
    /// at a time): a steady stream of requests is then taken without wake-ups. 0 parks at once.
    public var workerLingerMicros = 50
    public var maxHeadBytes = 16 * 1024
    /// A request head must arrive completely within this time after its first byte.
    public var headTimeout: TimeInterval = 10
    /// A request body must arrive completely within this time after its head.
    public var bodyTimeout: TimeInterval = 60
    /// An idle keep-alive connection is closed after this time.
    public var idleTimeout: TimeInterval = 60
    public var maxConnectionsPerLoop = 10_000
    public var accessLog = true
    /// Grace period for in-flight requests on shutdown.
    public var shutdownGrace: TimeInterval = 10
    public var serviceName = "http"

    public init() {}

    public static func fromEnvironment(service: String, defaultPort: Int) -> ServerConfig {
        var c = ServerConfig()
        c.serviceName = service
        c.host = Env.string("HOST", "127.0.0.1")
        c.port = Env.int("PORT", defaultPort)
        c.eventLoops = Env.int("EVENT_LOOPS", c.eventLoops)
        c.workers = Env.int("WORKERS", c.workers)
        c.workerLingerMicros = max(0, Env.int("WORKER_LINGER_US", c.workerLingerMicros))
        c.maxHeadBytes = Env.int("HTTP_MAX_HEAD_BYTES", c.maxHeadBytes)
        c.headTimeout = Env.double("HTTP_HEAD_TIMEOUT", c.headTimeout)
        c.bodyTimeout = Env.double("HTTP_BODY_TIMEOUT", c.bodyTimeout)
        c.idleTimeout = Env.double("HTTP_IDLE_TIMEOUT", c.idleTimeout)
        c.accessLog = Env.bool("ACCESS_LOG", true)
        return c
    }
}
