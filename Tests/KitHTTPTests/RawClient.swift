import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP client for tests that need exact bytes on the wire.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ s: String) { send(Array(s.utf8)) }

    func send(_ b: [UInt8]) {
        var off = 0
        while off < b.count {
            let n = b.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, b.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads until the peer closes (or the 10 s receive timeout).
    func readAll() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
            if n <= 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
    }

    /// Reads exactly `count` complete responses (Content-Length framed).
    func readResponses(_ count: Int) -> [(status: Int, headers: [String: String], body: [UInt8])] {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        var results: [(Int, [String: String], [UInt8])] = []
        while results.count < count {
            if let (resp, used) = RawClient.parseOne(data) {
                results.append(resp)
                data.removeFirst(used)
                continue
            }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
            if n <= 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        return results
    }

    static func parseOne(_ data: [UInt8]) -> ((Int, [String: String], [UInt8]), Int)? {
        guard let sep = data.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[0..<sep.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for l in lines {
            let parts = l.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        if status == 100 { return ((100, headers, []), sep.upperBound) }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard data.count >= sep.upperBound + length else { return nil }
        return ((status, headers, Array(data[sep.upperBound..<(sep.upperBound + length)])), sep.upperBound + length)
    }
}
