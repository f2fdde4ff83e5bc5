import CCrypto

// Internal plumbing shared by the KitCrypto files. Nothing here is public.

/// Calls `body` with a pointer/length pair for `bytes` that is never NULL, even for an empty
/// array: some OpenSSL entry points treat a NULL buffer specially even when the length is 0.
@inline(__always)
func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    if bytes.isEmpty {
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
    return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
}

/// Same as `withNonNullBytes` for a raw buffer.
@inline(__always)
func withNonNullRawBytes<R>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
        var zero: UInt8 = 0
        return try withUnsafePointer(to: &zero) { try body($0, 0) }
    }
    return try body(base.assumingMemoryBound(to: UInt8.self), buffer.count)
}

/// Discards whatever a failed OpenSSL call left on this thread's error queue, so that a stale
/// entry cannot be misattributed later by other libcrypto/libssl users on the same thread
/// (libpq and libcurl consult the queue after their own TLS calls).
@inline(__always)
func clearOpenSSLErrors() {
    ERR_clear_error()
}

/// Formats and clears the thread's OpenSSL error queue; for fatal diagnostics only.
func drainOpenSSLErrors() -> String {
    var messages: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        let text = buffer.withUnsafeMutableBufferPointer { ptr -> String in
            ERR_error_string_n(code, ptr.baseAddress, ptr.count)
            return String(cString: ptr.baseAddress!)
        }
        messages.append(text)
    }
    return messages.isEmpty ? "no OpenSSL error recorded" : messages.joined(separator: "; ")
}

/// Aborts the process: used only where OpenSSL fails for reasons that cannot be caused by the
/// caller's input (allocation failure, RNG failure, broken libcrypto).
func opensslFatal(_ what: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError("KitCrypto: \(what) failed: \(drainOpenSSLErrors())", file: file, line: line)
}
