/// The error envelope every service returns: {"error":{"code":…,"message":…,"field":…}}.
/// `code` is snake_case and means the same cause in every service; `message` is Chinese,
/// for the user.
public struct APIError: Error, Codable, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    public var retryAfter: Int?

    public init(_ status: Int, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    enum CodingKeys: String, CodingKey { case code, message, field, retryAfter }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = 0
        code = try c.decode(String.self, forKey: .code)
        message = try c.decode(String.self, forKey: .message)
        field = try c.decodeIfPresent(String.self, forKey: .field)
        retryAfter = try c.decodeIfPresent(Int.self, forKey: .retryAfter)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(field, forKey: .field)
        try c.encodeIfPresent(retryAfter, forKey: .retryAfter)
    }
}

/// `{"error": …}` wrapper as it travels on the wire.
public struct ErrorEnvelope: Codable, Sendable {
    public var error: APIError
    public init(error: APIError) { self.error = error }
}

/// The shared vocabulary of failures. Same cause, same code, in every service.
extension APIError {
    public static func badRequest(_ message: String = "请求格式错误", code: String = "bad_request", field: String? = nil) -> APIError {
        APIError(400, code, message, field: field)
    }
    public static func invalid(_ field: String, _ message: String, code: String = "invalid_field") -> APIError {
        APIError(422, code, message, field: field)
    }
    public static let unauthorized = APIError(401, "unauthorized", "请先登录")
    public static let tokenExpired = APIError(401, "token_expired", "登录已过期，请重新登录")
    public static let forbidden = APIError(403, "forbidden", "没有权限执行此操作")
    public static let notFound = APIError(404, "not_found", "请求的资源不存在")
    public static let methodNotAllowed = APIError(405, "method_not_allowed", "不支持的请求方法")
    public static let requestTimeout = APIError(408, "request_timeout", "请求超时")
    public static func conflict(_ message: String, code: String = "conflict") -> APIError { APIError(409, code, message) }
    public static let payloadTooLarge = APIError(413, "payload_too_large", "请求内容过大")
    public static let headersTooLarge = APIError(431, "headers_too_large", "请求头过大")
    public static let unsupportedMediaType = APIError(415, "unsupported_media_type", "不支持的内容类型")
    public static func tooManyRequests(retryAfter: Int, message: String = "操作过于频繁，请稍后再试") -> APIError {
        APIError(429, "rate_limited", message, retryAfter: retryAfter)
    }
    public static let internalError = APIError(500, "internal_error", "服务器内部错误，请稍后再试")
    public static let badGateway = APIError(502, "bad_gateway", "后端服务暂时不可用")
    public static let unavailable = APIError(503, "unavailable", "服务暂时不可用，请稍后再试")
    public static let gatewayTimeout = APIError(504, "gateway_timeout", "后端服务响应超时")
}
