import CCurl
import Foundation

/// Process-wide libcurl initialisation, done exactly once before the first handle is created.
enum CurlGlobal {
    /// `static let` initialisation is thread-safe (swift_once), so curl_global_init runs once.
    static let initCode: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func ensureInitialized() {
        _ = initCode
    }
}

/// One libcurl easy handle plus its error buffer. Not thread-safe: used by one thread at a time
/// (the pool hands it out exclusively). Keeps its connection cache across `reset()`.
final class CurlHandle {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private static let errorBufferSize = Int(CURL_ERROR_SIZE)

    init?() {
        CurlGlobal.ensureInitialized()
        guard let h = curl_easy_init() else { return nil }
        raw = h
        errorBuffer = .allocate(capacity: Self.errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Clears every option (so no pointer into a finished request's buffers stays set) while keeping
    /// live connections, the DNS cache and TLS session IDs.
    func reset() {
        curl_easy_reset(raw)
    }

    /// Installs the error buffer (the option is cleared by reset) and empties it.
    func armErrorBuffer() {
        errorBuffer[0] = 0
        _ = ccurl_setopt_ptr(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
    }

    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        ccurl_setopt_long(raw, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, offset value: Int64) -> CURLcode {
        ccurl_setopt_off(raw, option, curl_off_t(value))
    }

    /// libcurl copies string options (all but POSTFIELDS), so a temporary C string is fine.
    @discardableResult
    func set(_ option: CURLoption, _ value: String) -> CURLcode {
        ccurl_setopt_str(raw, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) -> CURLcode {
        ccurl_setopt_ptr(raw, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, list: CurlStringList) -> CURLcode {
        ccurl_setopt_slist(raw, option, list.head)
    }

    @discardableResult
    func set(_ option: CURLoption, callback: ccurl_data_cb) -> CURLcode {
        ccurl_setopt_datacb(raw, option, callback)
    }

    func perform() -> CURLcode {
        curl_easy_perform(raw)
    }

    func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(raw, info, &value)
        return value
    }

    /// The detailed message libcurl wrote for the last failure, or its generic text for `code`.
    func errorMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        if !detail.isEmpty { return detail }
        return String(cString: curl_easy_strerror(code))
    }
}

/// Owns a `curl_slist`; frees it on deinit. Must outlive the perform that uses it.
final class CurlStringList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    init(_ items: [String] = []) {
        for item in items { append(item) }
    }

    func append(_ item: String) {
        // curl_slist_append copies the string.
        if let newHead = curl_slist_append(head, item) {
            head = newHead
        }
    }

    deinit {
        curl_slist_free_all(head)
    }
}

/// Bytes handed to libcurl as a C-callback context; the owner keeps it alive with
/// `withExtendedLifetime` around perform, so `Unmanaged.passUnretained` is leak-free.
extension Unmanaged {
    @inline(__always)
    static func context(_ object: Instance) -> UnsafeMutableRawPointer {
        Unmanaged.passUnretained(object).toOpaque()
    }
}

/// Decodes a header line: UTF-8 when valid, otherwise ISO-8859-1 (each byte one scalar), so no byte
/// is silently replaced.
func decodeHeaderBytes<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
}
