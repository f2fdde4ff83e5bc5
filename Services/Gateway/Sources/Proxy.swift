import Foundation
import KitClient
import KitHTTP
import Models

/// Forwards `/api/<service>/…` to an instance of that service through the libcurl client:
/// hop-by-hop headers dropped, X-Forwarded-For and X-Request-Id added, failover to the next
/// instance when one cannot be reached (only before it could have acted: connect errors, or
/// any error for idempotent methods).
struct Proxy: Sendable {
    let upstreams: [String: Upstream]
    let client: HTTPClient
    let timeout: TimeInterval
    /// Whole-exchange limit for a streamed upload (it lasts as long as the client sends).
    var uploadTimeout: TimeInterval = 300

    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
                                        "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "host",
                                        "content-length", "expect", "cookie"]

    func forward(_ request: Request, service: String, extraHeaders: [(String, String)] = []) throws -> Response {
        guard let upstream = upstreams[service] else { throw APIError.notFound }
        // Internal endpoints are for services only; the public entry never forwards them.
        if request.path.contains("/internal/") || request.path.hasSuffix("/internal") { throw APIError.notFound }
        var headers: [(String, String)] = []
        for (name, value) in request.headers where !Proxy.hopByHop.contains(name.lowercased()) {
            let lower = name.lowercased()
            if lower == "x-forwarded-for" || lower == "x-request-id" || lower == "x-internal-token" { continue }
            headers.append((name, value))
        }
        // The gateway is the edge: a client's own X-Forwarded-For is believed only from a
        // trusted proxy in front of it (loopback, TRUSTED_PROXIES); services get one address.
        headers.append(("X-Forwarded-For", request.clientAddress))
        headers.append(("X-Request-Id", request.requestID))
        headers.append(contentsOf: extraHeaders)
        let target = request.path + (request.rawQuery.isEmpty ? "" : "?" + request.rawQuery)
        let idempotent = [.GET, .HEAD, .PUT, .DELETE, .OPTIONS].contains(request.method)
        // A streamed upload is passed on as it arrives (docs/uploads.md): libcurl pulls it from
        // the client's stream. Once a byte of it was read, no other instance can be tried.
        let streamed = request.bodyStream.map { StreamedBody($0) }
        var lastError: Error = ClientError.connect("no instance")
        for i in upstream.order() {
            let base = upstream.instances[i]
            var req = ClientRequest(method: request.method.rawValue, url: base + target, headers: headers,
                                    body: request.body, timeout: streamed == nil ? timeout : uploadTimeout)
            if let streamed {
                req.bodySource = streamed.next
                req.bodyLength = streamed.stream.declaredLength
            }
            do {
                let r = try client.sendOnce(req)
                if r.status == 502 || r.status == 503, idempotent, streamed?.started != true {
                    upstream.markDown(i)
                    lastError = ClientError.status(r.status, r.body)
                    continue
                }
                upstream.markUp(i)
                return Proxy.response(from: r)
            } catch let e as ClientError {
                upstream.markDown(i)
                lastError = e
                guard streamed?.started != true else { break } // part of the body is gone
                if case .connect = e { continue }
                if idempotent { continue }
                break
            }
        }
        if case ClientError.timeout = lastError { throw APIError.gatewayTimeout }
        if case ClientError.status(let status, let body) = lastError {
            return Response(status: status, contentType: Response.jsonType, body: body)
        }
        if case ClientError.connect = lastError { throw Proxy.down(service, retryAfter: upstream.retryAfter()) }
        throw APIError.badGateway
    }

    /// Every instance of the service refused the connection (stopped, crashed, restarting):
    /// a clear 503 that says when to try again, never a hang or a bare 502.
    static func down(_ service: String, retryAfter: Int) -> APIError {
        APIError(503, "service_unavailable", "服务暂时不可用（\(Proxy.displayName(service))正在重启），请\(retryAfter)秒后重试",
                 retryAfter: retryAfter)
    }

    static func displayName(_ service: String) -> String {
        switch service {
        case "identity": return "账号服务"
        case "documents": return "材料服务"
        case "approval": return "审批服务"
        case "reporting": return "填报服务"
        default: return service
        }
    }

    static func response(from r: ClientResponse) -> Response {
        var contentType: String?
        var headers: [(String, String)] = []
        for (name, value) in r.headers {
            let lower = name.lowercased()
            if hopByHop.contains(lower) || lower == "date" || lower == "x-request-id" { continue }
            if lower == "content-type" { contentType = value; continue }
            headers.append((name, value))
        }
        return Response(status: r.status, contentType: contentType, headers: headers, body: r.body)
    }
}

/// A client's streamed body handed to libcurl, noting whether any of it was read.
final class StreamedBody: @unchecked Sendable {
    let stream: any RequestBodyStream
    private(set) var started = false

    init(_ stream: any RequestBodyStream) { self.stream = stream }

    /// Called on the thread running the transfer only.
    @Sendable func next() throws -> [UInt8]? {
        do {
            let bytes = try stream.next()
            if bytes != nil { started = true }
            return bytes
        } catch is BodyStreamError {
            // The client went away: no one is waiting for an answer.
            throw APIError.badRequest("上传中断，请重新上传", code: "upload_interrupted")
        }
    }
}
