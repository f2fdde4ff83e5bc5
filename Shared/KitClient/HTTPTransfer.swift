import CCurl
import Foundation

/// Per-request state the libcurl callbacks write into. Lives on the stack frame of `perform`
/// (kept alive with `withExtendedLifetime`) and is passed to C unretained.
final class HTTPTransferState {
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    let limit: Int
    var exceededLimit = false
    var bodyStarted = false
    /// Streamed request body: its producer, the piece being sent, and what ended it early.
    var source: (@Sendable () throws -> [UInt8]?)?
    var piece: [UInt8] = []
    var pieceOffset = 0
    var sourceError: Error?

    init(limit: Int) {
        self.limit = limit
    }

    /// Fills libcurl's upload buffer from `source`: bytes copied, 0 at the end, or
    /// CURL_READFUNC_ABORT when the producer failed.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        while pieceOffset == piece.count {
            do {
                guard let source, let next = try source() else { return 0 }
                piece = next
                pieceOffset = 0
            } catch {
                sourceError = error
                return 0x1000_0000 // CURL_READFUNC_ABORT
            }
        }
        let n = min(buffer.count, piece.count - pieceOffset)
        piece.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + pieceOffset, byteCount: n)
        }
        pieceOffset += n
        return n
    }

    /// One raw header line from libcurl (status line, header, or the blank line ending a block).
    func headerLine(_ bytes: UnsafeRawBufferPointer) {
        var raw = bytes[...]
        while let last = raw.last, last == 0x0D || last == 0x0A { raw = raw.dropLast() }
        let line = Substring(decodeHeaderBytes(raw))
        if line.hasPrefix("HTTP/") {
            // A new response starts (e.g. after a 1xx): keep only the final response's headers.
            headers.removeAll(keepingCapacity: true)
            return
        }
        // Lines after the body (chunked trailers) are not response headers.
        if bodyStarted || line.isEmpty { return }
        if let first = line.first, first == " " || first == "\t" {
            // obs-fold continuation: append to the previous header's value.
            if !headers.isEmpty {
                let folded = line.trimmingCharacters(in: .whitespaces)
                headers[headers.count - 1].1 += (headers[headers.count - 1].1.isEmpty ? "" : " ") + folded
            }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
    }

    /// Appends body bytes; false when the response would exceed the limit (aborts the transfer).
    func bodyBytes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if body.count + bytes.count > limit {
            exceededLimit = true
            return false
        }
        bodyStarted = true
        body.append(contentsOf: bytes)
        return true
    }
}

/// CURLOPT_HEADERFUNCTION: called once per header line.
func kitClientHeaderCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                             _ context: UnsafeMutableRawPointer?) -> Int {
    let total = size * count
    guard let data, let context else { return total }
    let state = Unmanaged<HTTPTransferState>.fromOpaque(context).takeUnretainedValue()
    state.headerLine(UnsafeRawBufferPointer(start: data, count: total))
    return total
}

/// CURLOPT_WRITEFUNCTION: body bytes. Returning less than given aborts with CURLE_WRITE_ERROR.
func kitClientWriteCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                            _ context: UnsafeMutableRawPointer?) -> Int {
    let total = size * count
    guard total > 0 else { return 0 }
    guard let data, let context else { return 0 }
    let state = Unmanaged<HTTPTransferState>.fromOpaque(context).takeUnretainedValue()
    return state.bodyBytes(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
}

/// CURLOPT_READFUNCTION: the next bytes of a streamed request body.
func kitClientReadCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                           _ context: UnsafeMutableRawPointer?) -> Int {
    let total = size * count
    guard total > 0, let data, let context else { return 0 }
    let state = Unmanaged<HTTPTransferState>.fromOpaque(context).takeUnretainedValue()
    return state.fill(UnsafeMutableRawBufferPointer(start: data, count: total))
}
