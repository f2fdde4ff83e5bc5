import CCurl
import Foundation

/// Per-send state shared with libcurl's read and debug callbacks (passed unretained; the sender keeps
/// it alive with `withExtendedLifetime` around perform).
final class SMTPTransferState {
    let payload: [UInt8]
    var offset = 0
    /// Credentials are configured: refuse to hand over the message unless AUTH was actually sent.
    let requiresAuth: Bool
    var authSent = false
    var refusedUnauthenticated = false
    /// The first failure reply (4xx/5xx) the server sent, for error messages.
    var failureReply = ""

    init(payload: [UInt8], requiresAuth: Bool) {
        self.payload = payload
        self.requiresAuth = requiresAuth
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        if requiresAuth && !authSent {
            // libcurl logs in only when the server offers AUTH; with credentials configured, sending
            // without login would silently succeed. Abort before the first byte of DATA instead.
            refusedUnauthenticated = true
            return Int(CURL_READFUNC_ABORT)
        }
        let n = min(capacity, payload.count - offset)
        guard n > 0 else { return 0 }
        payload.withUnsafeBytes { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }

    func debug(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
        switch type {
        case CURLINFO_HEADER_OUT:
            // Commands sent by libcurl; only the verb is inspected, credentials are never kept.
            if bytes.count >= 5, bytes.prefix(5).elementsEqual("AUTH ".utf8) { authSent = true }
        case CURLINFO_HEADER_IN:
            if failureReply.isEmpty, let first = bytes.first, first == UInt8(ascii: "4") || first == UInt8(ascii: "5") {
                let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                failureReply = String(line.prefix(300))
            }
        default:
            break
        }
    }
}

/// CURLOPT_READFUNCTION: the message bytes for DATA.
func kitClientSMTPRead(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                       _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
    let state = Unmanaged<SMTPTransferState>.fromOpaque(context).takeUnretainedValue()
    return state.read(into: buffer, capacity: size * count)
}

/// CURLOPT_DEBUGFUNCTION (with CURLOPT_VERBOSE=1): watches commands and replies.
func kitClientSMTPDebug(_ handle: UnsafeMutableRawPointer?, _ type: curl_infotype,
                        _ data: UnsafeMutablePointer<CChar>?, _ size: Int,
                        _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let data, let context else { return 0 }
    let state = Unmanaged<SMTPTransferState>.fromOpaque(context).takeUnretainedValue()
    state.debug(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

typealias CurlDebugFunction = @convention(c) (UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?,
                                              Int, UnsafeMutableRawPointer?) -> Int32

extension CurlHandle {
    /// CCurl has no typed setter for the debug callback; on the SysV x86-64 and AArch64 ABIs a C
    /// function pointer travels through curl_easy_setopt's varargs exactly like a `void *`.
    @discardableResult
    func setDebugFunction(_ function: CurlDebugFunction) -> CURLcode {
        set(CURLOPT_DEBUGFUNCTION, pointer: unsafeBitCast(function, to: UnsafeMutableRawPointer.self))
    }
}
