import Foundation
import KitHTTP
import KitCore
import Models

/// A kit server with one JSON route, for the HTTP benchmark (scripts/bench).
struct Greeting: Codable, Sendable { let message: String; let service: String; let ok: Bool }

let signals = Signals.prepare()
let router = Router()
let greeting = Greeting(message: "你好，质控", service: "bench", ok: true)
router.get("/api/bench/v1/hello", options: .inline) { _ in .json(greeting) }
let raw = Array(#"{"message":"你好，质控","service":"bench","ok":true}"#.utf8)
router.get("/api/bench/v1/hello-raw", options: .inline) { _ in .json(raw: raw) }
router.get("/api/bench/v1/hello-worker") { _ in .json(greeting) }
router.get("/healthz", options: .inline) { _ in .json(HealthStatus(status: "ok", service: "bench")) }
let server = HTTPServer(config: .fromEnvironment(service: "bench", defaultPort: 8099), router: router)
try server.start()
Logger(service: "bench").info("listening", ["port": String(server.port)])
_ = Signals.wait(signals)
server.shutdown()
