import Foundation

/// Why a request produced no response (or, from the JSON helpers, no usable value).
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// Could not resolve or connect (including TLS handshake failure). Retryable.
    case connect(String)
    /// The request (or its connect phase) exceeded its time limit. Retryable.
    case timeout(String)
    /// Anything else on the wire: reset, malformed response, response too large, bad header, …
    case transport(String)
    /// The URL is malformed or not http/https.
    case badURL(String)
    /// JSON helpers: body could not be encoded / response could not be decoded.
    case decode(String)
    /// JSON helpers: a non-2xx status, with the response body.
    case status(Int, [UInt8])

    public var description: String {
        switch self {
        case .connect(let m): return "connect failed: \(m)"
        case .timeout(let m): return "timed out: \(m)"
        case .transport(let m): return "transport error: \(m)"
        case .badURL(let m): return "bad URL: \(m)"
        case .decode(let m): return "decode error: \(m)"
        case .status(let code, let body):
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            return "HTTP status \(code)" + (text.isEmpty ? "" : ": \(text)")
        }
    }
}
