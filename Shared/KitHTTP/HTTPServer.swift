import Foundation
import CSystem
#if canImport(Glibc)
import Glibc
#endif

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
}

/// The HTTP/1.1 server: `eventLoops` epoll threads, each with its own SO_REUSEPORT listening
/// socket (the kernel spreads connections), and a worker pool for blocking handlers.
public final class HTTPServer: @unchecked Sendable {
    public let config: ServerConfig
    public let router: Router
    public private(set) var port: Int = 0
    private var loops: [EventLoop] = []
    private var workers: WorkerPool?
    private let stopped = DispatchGroup()
    private let lock = NSLock()
    private var shuttingDown = false

    public init(config: ServerConfig, router: Router) {
        self.config = config
        self.router = router
    }

    /// Binds and starts the loops; returns once the server accepts connections.
    public func start() throws {
        signal(SIGPIPE, SIG_IGN)
        MemoryTuning.apply()
        var port = config.port
        var fds: [Int32] = []
        for _ in 0..<max(1, config.eventLoops) {
            let fd = try HTTPServer.listen(host: config.host, port: port)
            if port == 0 { port = HTTPServer.boundPort(fd) }
            fds.append(fd)
        }
        self.port = port
        let pool = WorkerPool(threads: config.workers, name: config.serviceName, lingerMicros: UInt64(max(0, config.workerLingerMicros)))
        workers = pool
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        let prefix = String((0..<4).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        for (i, fd) in fds.enumerated() {
            let loop = EventLoop(index: i, listenFD: fd, router: router, config: config, workers: pool,
                                 idPrefix: "\(prefix)\(i)-")
            loops.append(loop)
            stopped.enter()
            let t = Thread { [stopped] in
                loop.run()
                stopped.leave()
            }
            t.name = "\(config.serviceName)-loop-\(i)"
            t.start()
        }
    }

    /// Stops accepting, lets in-flight requests finish (up to the grace period), then stops
    /// the loops and the workers.
    public func shutdown() {
        lock.lock()
        let first = !shuttingDown
        shuttingDown = true
        lock.unlock()
        guard first else { stopped.wait(); return }
        for loop in loops { loop.requestStop() }
        stopped.wait()
        workers?.shutdown()
        workers = nil
    }

    static func listen(host: String, port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = csys_set_reuseport(fd)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr) == 1 else {
            Glibc.close(fd)
            throw ServerError(description: "invalid listen address \(host)")
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let msg = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ServerError(description: "bind \(host):\(port): \(msg)")
        }
        guard Glibc.listen(fd, 1024) == 0 else {
            Glibc.close(fd)
            throw ServerError(description: "listen: \(String(cString: strerror(errno)))")
        }
        return fd
    }

    static func boundPort(_ fd: Int32) -> Int {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
