@testable import KitHTTP

/// A started server on a free loopback port for the tests over real sockets: two event loops,
/// four workers, short timeouts (head and body 1 s, idle 3 s), no access log; `adjust` changes
/// what a test needs otherwise.
func startTestServer(_ router: Router, _ adjust: (inout ServerConfig) -> Void = { _ in }) throws -> HTTPServer {
    var config = ServerConfig()
    config.port = 0
    config.eventLoops = 2
    config.workers = 4
    config.headTimeout = 1
    config.bodyTimeout = 1
    config.idleTimeout = 3
    config.accessLog = false
    config.shutdownGrace = 5
    adjust(&config)
    let server = HTTPServer(config: config, router: router)
    try server.start()
    return server
}
