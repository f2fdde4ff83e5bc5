import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Structured logger: one JSON object per line on stderr. Fields never carry secrets:
/// callers pass ids and codes, not passwords, tokens or SMS codes.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug = 0, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["debug", "info", "warn", "error"][rawValue] }
        public init(_ s: String) {
            switch s.lowercased() {
            case "debug": self = .debug
            case "warn", "warning": self = .warning
            case "error": self = .error
            default: self = .info
            }
        }
    }

    public let service: String
    public let minimum: Level

    public init(service: String, minimum: Level = Level(Env.string("LOG_LEVEL", "info"))) {
        self.service = service
        self.minimum = minimum
    }

    public func debug(_ msg: String, _ fields: [String: String] = [:]) { log(.debug, msg, fields) }
    public func info(_ msg: String, _ fields: [String: String] = [:]) { log(.info, msg, fields) }
    public func warning(_ msg: String, _ fields: [String: String] = [:]) { log(.warning, msg, fields) }
    public func error(_ msg: String, _ fields: [String: String] = [:]) { log(.error, msg, fields) }

    public func log(_ level: Level, _ msg: String, _ fields: [String: String]) {
        guard level >= minimum else { return }
        var line = "{\"ts\":\"\(Time.rfc3339(Date()))\",\"level\":\"\(level.name)\",\"service\":"
        JSONText.appendString(service, to: &line)
        line += ",\"msg\":"
        JSONText.appendString(msg, to: &line)
        for key in fields.keys.sorted() {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            JSONText.appendString(fields[key]!, to: &line)
        }
        line += "}\n"
        StandardError.write(line)
    }
}

/// Serialised writes to stderr (whole lines, never interleaved).
public enum StandardError {
    private static let lock = NSLock()
    public static func write(_ s: String) {
        lock.lock(); defer { lock.unlock() }
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}
