import Foundation

/// A complete HTTP response (any status: 4xx and 5xx are responses, not errors).
public struct ClientResponse: Sendable {
    public let status: Int
    /// Headers of the final response, in order, names as received.
    public let headers: [(String, String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEquals($0.0, name) }?.1
    }

    /// All values of headers with this name (e.g. Set-Cookie), in order.
    public func headers(named name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEquals($0.0, name) }.map(\.1)
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

func asciiCaseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    for (p, q) in zip(x, y) {
        let lp = (p >= 65 && p <= 90) ? p | 0x20 : p
        let lq = (q >= 65 && q <= 90) ? q | 0x20 : q
        if lp != lq { return false }
    }
    return true
}
