import CCurl
import Foundation

/// A blocking HTTP/1.1 (and HTTP/2 over TLS) client on libcurl, safe to share between threads.
///
/// Calls block the calling thread; run them on worker threads. Easy handles are pooled (LIFO), so
/// consecutive requests to one host reuse its TCP/TLS connection. Redirects are never followed.
public final class HTTPClient: @unchecked Sendable {
    public struct Options: Sendable {
        /// Whole-request limit for one attempt (connect + send + receive).
        public var timeout: TimeInterval = 10
        public var connectTimeout: TimeInterval = 2
        /// Extra attempts for retryable requests (idempotent method or idempotency key).
        public var retries: Int = 2
        /// Base delay before the first retry; doubled each attempt, with ±50 % jitter.
        public var backoff: TimeInterval = 0.1
        /// Idle easy handles (each with its own connection cache) kept for reuse.
        public var maxPooledHandles: Int = 64
        /// A larger response body fails with `ClientError.transport`.
        public var maxResponseBytes: Int = 64 << 20
        /// Coders used by `getJSON`/`postJSON`. Configure before handing them over; do not mutate after.
        public var jsonEncoder: JSONEncoder = JSONEncoder()
        public var jsonDecoder: JSONDecoder = JSONDecoder()
        public init() {}
    }

    public let options: Options
    private let pool: HandlePool
    private let statsLock = NSLock()
    private var connectsTotal = 0
    private var performsTotal = 0

    public init(options: Options = Options()) {
        self.options = options
        self.pool = HandlePool(capacity: options.maxPooledHandles)
        CurlGlobal.ensureInitialized()
    }

    /// Test hook: new connections opened so far by this client (sum of CURLINFO_NUM_CONNECTS).
    /// A request that reused a pooled connection adds 0.
    public var connectionsOpened: Int {
        statsLock.lock()
        defer { statsLock.unlock() }
        return connectsTotal
    }

    /// Test hook: transfers performed so far (every attempt counts, including failed ones).
    public var attemptsPerformed: Int {
        statsLock.lock()
        defer { statsLock.unlock() }
        return performsTotal
    }

    // MARK: - Sending

    /// Sends; retries connect errors, timeouts and 502/503/504 for idempotent methods
    /// (GET/HEAD/PUT/DELETE/OPTIONS) or requests with an idempotencyKey; never retries other POSTs.
    /// Returns any HTTP status (4xx/5xx are responses, not errors); after the last attempt the last
    /// 502/503/504 response is returned, or the last error thrown.
    public func send(_ request: ClientRequest) throws -> ClientResponse {
        let attempts = 1 + (request.isRetryable ? max(0, options.retries) : 0)
        var attempt = 1
        while true {
            do {
                let response = try sendOnce(request)
                guard attempt < attempts, Self.retryableStatuses.contains(response.status) else { return response }
            } catch let error as ClientError {
                switch error {
                case .connect, .timeout:
                    guard attempt < attempts else { throw error }
                default:
                    throw error
                }
            }
            pause(beforeRetry: attempt)
            attempt += 1
        }
    }

    static let retryableStatuses: Set<Int> = [502, 503, 504]

    private func pause(beforeRetry attempt: Int) {
        guard options.backoff > 0 else { return }
        let base = options.backoff * pow(2, Double(attempt - 1))
        Thread.sleep(forTimeInterval: base * Double.random(in: 0.5...1.5))
    }

    /// Sends exactly once, without any retry (for a reverse proxy that does its own failover).
    public func sendOnce(_ request: ClientRequest) throws -> ClientResponse {
        let method = request.method.isEmpty ? "GET" : request.method
        guard Self.isToken(method) else { throw ClientError.transport("invalid method \(method.debugDescription)") }
        guard !request.url.isEmpty, !request.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw ClientError.badURL(request.url.debugDescription)
        }
        let isHead = method == "HEAD"
        let sendsBody = !isHead && (!request.body.isEmpty || request.bodySource != nil || ["POST", "PUT", "PATCH"].contains(method))
        let headerList = try Self.headerList(for: request, sendsBody: sendsBody)
        let state = HTTPTransferState(limit: max(0, options.maxResponseBytes))

        let handle = try pool.checkout()
        // Checkin resets the handle, clearing every pointer into this request's buffers.
        defer { pool.checkin(handle) }

        handle.armErrorBuffer()
        handle.set(CURLOPT_URL, request.url)
        handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        handle.set(CURLOPT_NOSIGNAL, 1)
        handle.set(CURLOPT_FOLLOWLOCATION, 0)
        handle.set(CURLOPT_TCP_NODELAY, 1)
        handle.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? options.timeout))
        handle.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout))
        handle.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(max(0, options.maxResponseBytes)))
        handle.set(CURLOPT_HTTPHEADER, list: headerList)
        handle.set(CURLOPT_HEADERFUNCTION, callback: kitClientHeaderCallback)
        handle.set(CURLOPT_HEADERDATA, pointer: Unmanaged.context(state))
        handle.set(CURLOPT_WRITEFUNCTION, callback: kitClientWriteCallback)
        handle.set(CURLOPT_WRITEDATA, pointer: Unmanaged.context(state))

        let code: CURLcode = withExtendedLifetime((state, headerList)) {
            if isHead {
                handle.set(CURLOPT_NOBODY, 1)
                return handle.perform()
            }
            guard sendsBody else {
                handle.set(CURLOPT_HTTPGET, 1)
                if method != "GET" { handle.set(CURLOPT_CUSTOMREQUEST, method) }
                return handle.perform()
            }
            if let source = request.bodySource {
                // Streamed: libcurl pulls the body through the read callback as it is sent.
                state.source = source
                handle.set(CURLOPT_POST, 1)
                handle.set(CURLOPT_READFUNCTION, callback: kitClientReadCallback)
                handle.set(CURLOPT_READDATA, pointer: Unmanaged.context(state))
                handle.set(CURLOPT_UPLOAD_BUFFERSIZE, 512 * 1024)
                handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(request.bodyLength ?? -1))
                if method != "POST" { handle.set(CURLOPT_CUSTOMREQUEST, method) }
                return handle.perform()
            }
            // POSTFIELDS is not copied: the buffer must stay alive for the whole perform, which it
            // does inside this closure. An empty body still needs a non-NULL pointer (NULL would make
            // curl read the body from its read callback, i.e. stdin).
            let count = request.body.count
            let storage: [UInt8] = count == 0 ? [0] : request.body
            return storage.withUnsafeBufferPointer { buffer in
                handle.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(count))
                handle.set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                if method != "POST" { handle.set(CURLOPT_CUSTOMREQUEST, method) }
                return handle.perform()
            }
        }

        let opened = handle.infoLong(CURLINFO_NUM_CONNECTS)
        statsLock.lock()
        connectsTotal += opened
        performsTotal += 1
        statsLock.unlock()

        if let e = state.sourceError { throw e }
        guard code == CURLE_OK else {
            throw Self.error(for: code, message: handle.errorMessage(code), state: state, request: request,
                             limit: options.maxResponseBytes)
        }
        let status = handle.infoLong(CURLINFO_RESPONSE_CODE)
        return ClientResponse(status: status, headers: state.headers, body: state.body)
    }

    // MARK: - JSON helpers

    /// GET with `Accept: application/json`; throws `.status` for non-2xx, `.decode` for bad JSON.
    public func getJSON<T: Decodable>(_ url: String, headers: [(String, String)] = [], as: T.Type) throws -> T {
        var all = headers
        if !all.contains(where: { asciiCaseInsensitiveEquals($0.0, "Accept") }) {
            all.append(("Accept", "application/json"))
        }
        let response = try send(ClientRequest(method: "GET", url: url, headers: all))
        return try decodeJSON(response, as: T.self)
    }

    /// POST of `body` encoded with the options' JSONEncoder, `Content-Type`/`Accept: application/json`.
    /// Retried only when `idempotencyKey` is given. Throws `.status` for non-2xx, `.decode` for bad JSON.
    public func postJSON<B: Encodable, T: Decodable>(_ url: String, body: B, headers: [(String, String)] = [],
                                                     idempotencyKey: String? = nil, as: T.Type) throws -> T {
        let bytes: [UInt8]
        do {
            bytes = Array(try options.jsonEncoder.encode(body))
        } catch {
            throw ClientError.decode("cannot encode \(B.self): \(error)")
        }
        var all = headers
        if !all.contains(where: { asciiCaseInsensitiveEquals($0.0, "Content-Type") }) {
            all.append(("Content-Type", "application/json"))
        }
        if !all.contains(where: { asciiCaseInsensitiveEquals($0.0, "Accept") }) {
            all.append(("Accept", "application/json"))
        }
        let request = ClientRequest(method: "POST", url: url, headers: all, body: bytes, idempotencyKey: idempotencyKey)
        return try decodeJSON(try send(request), as: T.self)
    }

    private func decodeJSON<T: Decodable>(_ response: ClientResponse, as: T.Type) throws -> T {
        guard (200..<300).contains(response.status) else {
            throw ClientError.status(response.status, response.body)
        }
        do {
            return try options.jsonDecoder.decode(T.self, from: Data(response.body))
        } catch {
            throw ClientError.decode("cannot decode \(T.self): \(error)")
        }
    }

    // MARK: - Helpers

    static func milliseconds(_ interval: TimeInterval) -> Int {
        // 0 means "no limit" to libcurl; a positive interval is at least 1 ms.
        guard interval > 0, interval.isFinite else { return 0 }
        return max(1, Int((interval * 1000).rounded(.up)))
    }

    /// RFC 9110 token characters (method and header names).
    static func isToken(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        return s.utf8.allSatisfy { c in
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(c)
            }
        }
    }

    static func headerList(for request: ClientRequest, sendsBody: Bool) throws -> CurlStringList {
        let list = CurlStringList()
        var hasExpect = false, hasContentType = false, hasIdempotencyKey = false
        for (name, value) in request.headers {
            guard isToken(name) else { throw ClientError.transport("invalid header name \(name.debugDescription)") }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw ClientError.transport("invalid value for header \(name)")
            }
            if asciiCaseInsensitiveEquals(name, "Expect") { hasExpect = true }
            if asciiCaseInsensitiveEquals(name, "Content-Type") { hasContentType = true }
            if asciiCaseInsensitiveEquals(name, "Idempotency-Key") { hasIdempotencyKey = true }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            // "Name;" is libcurl's syntax for a header with an empty value ("Name:" would remove it).
            list.append(trimmed.isEmpty ? "\(name);" : "\(name): \(trimmed)")
        }
        if let key = request.idempotencyKey, !hasIdempotencyKey {
            guard !key.isEmpty, !key.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw ClientError.transport("invalid idempotency key")
            }
            list.append("Idempotency-Key: \(key)")
        }
        // No "Expect: 100-continue" round trip before large bodies.
        if !hasExpect { list.append("Expect:") }
        // Without this, POSTFIELDS makes curl claim application/x-www-form-urlencoded.
        if sendsBody && !hasContentType { list.append("Content-Type:") }
        // A streamed body of unknown length goes chunked.
        if request.bodySource != nil && request.bodyLength == nil { list.append("Transfer-Encoding: chunked") }
        return list
    }

    static func error(for code: CURLcode, message: String, state: HTTPTransferState, request: ClientRequest,
                      limit: Int) -> ClientError {
        let target = "\(request.method) \(request.url)"
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .badURL("\(request.url): \(message)")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR:
            return .connect("\(target): \(message)")
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout("\(target): \(message)")
        case CURLE_FILESIZE_EXCEEDED:
            return .transport("\(target): response body exceeds \(limit) bytes")
        case CURLE_WRITE_ERROR where state.exceededLimit:
            return .transport("\(target): response body exceeds \(limit) bytes")
        default:
            return .transport("\(target): \(message)")
        }
    }
}
