import Foundation
import Models

/// The body of a request on a streaming route (`RouteOptions.streamBody`), read as it arrives
/// instead of held whole. The handler runs (on a worker) as soon as the head is read and pulls
/// the body with `next()`; the server reads the socket only as fast as the handler consumes
/// (at most `SocketBodyStream.highWater` bytes are buffered), and enforces the route's body
/// limit while streaming.
public protocol RequestBodyStream: AnyObject, Sendable {
    /// The client's Content-Length; nil for a chunked body.
    var declaredLength: Int? { get }
    /// The next bytes of the body (never empty), blocking until some arrive; nil at its end.
    /// Throws the `APIError` that ended the body early: 413 past the limit (chunked), 400 for
    /// malformed chunked framing, 408 when the client is too slow, `BodyStreamError.clientGone`
    /// when the client disconnected. After a throw every later call throws the same.
    func next() throws -> [UInt8]?
}

/// The client went away before the whole body arrived (no answer can reach it).
public enum BodyStreamError: Error, Sendable {
    case clientGone
}

/// A body already in memory, handed out in chunks (tests; handlers called directly).
public final class BufferedBodyStream: RequestBodyStream, @unchecked Sendable {
    public let declaredLength: Int?
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0
    private let lock = NSLock()

    public init(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
        self.declaredLength = bytes.count
    }

    public func next() throws -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard offset < bytes.count else { return nil }
        let end = offset + min(chunkSize, bytes.count - offset)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// The stream an event loop feeds from a connection. The loop pushes what it reads (never
/// blocking); the handler's thread waits in `next()`. When `highWater` bytes are waiting the
/// loop stops reading the socket; the consumer calls `onResume` (which posts to the loop) once
/// it has taken the buffer below `lowWater`.
final class SocketBodyStream: RequestBodyStream, @unchecked Sendable {
    static let highWater = 4 << 20
    static let lowWater = 1 << 20
    /// Largest piece the loop reads at once (what can be buffered past `highWater`).
    static let maxPiece = 256 * 1024

    let declaredLength: Int?
    private let cond = NSCondition()
    private var pieces: [[UInt8]] = []
    private var first = 0
    private var buffered = 0
    private var ended = false
    private var failure: Error?
    /// The request was answered: what still arrives is dropped.
    private var abandoned = false
    private var producerPaused = false
    /// Test hooks: the most bytes ever waiting, and how often the loop was told to stop reading.
    private var peak = 0
    private var pauses = 0
    private let onResume: @Sendable () -> Void

    init(declaredLength: Int?, onResume: @escaping @Sendable () -> Void) {
        self.declaredLength = declaredLength
        self.onResume = onResume
    }

    // MARK: loop side

    /// Adds body bytes. False when the loop must stop reading until `onResume` is called.
    func push(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        cond.lock(); defer { cond.unlock() }
        if ended || failure != nil || abandoned { return true }
        pieces.append(bytes)
        buffered += bytes.count
        peak = max(peak, buffered)
        cond.signal()
        if buffered >= SocketBodyStream.highWater {
            producerPaused = true
            pauses += 1
            return false
        }
        return true
    }

    /// The whole body has been pushed.
    func finish() {
        cond.lock()
        ended = true
        cond.broadcast()
        cond.unlock()
    }

    /// The body ended early; the consumer's next read throws `error`.
    func fail(_ error: Error) {
        cond.lock()
        if !ended && failure == nil {
            failure = error
            pieces = []
            first = 0
            buffered = 0
        }
        cond.broadcast()
        cond.unlock()
    }

    /// The response went out before the body ended: drop what is buffered; a consumer still
    /// reading gets `clientGone` (no one will see its answer).
    func abandon() {
        cond.lock()
        abandoned = true
        if !ended && failure == nil { failure = BodyStreamError.clientGone }
        pieces = []
        first = 0
        buffered = 0
        cond.broadcast()
        cond.unlock()
    }

    /// Test hook: (bytes waiting now, the most ever waiting, times the loop stopped reading, loop stopped now).
    var bufferState: (buffered: Int, peak: Int, pauses: Int, paused: Bool) {
        cond.lock(); defer { cond.unlock() }
        return (buffered, peak, pauses, producerPaused)
    }

    // MARK: consumer side

    func next() throws -> [UInt8]? {
        cond.lock()
        while first == pieces.count && !ended && failure == nil { cond.wait() }
        if let failure {
            cond.unlock()
            throw failure
        }
        if first == pieces.count {
            cond.unlock()
            return nil
        }
        // One piece as the loop read it (no copy; at most `maxPiece`).
        let out = pieces[first]
        pieces[first] = []
        first += 1
        if first == pieces.count { pieces.removeAll(keepingCapacity: true); first = 0 }
        else if first >= 64 { pieces.removeFirst(first); first = 0 }
        buffered -= out.count
        let resume = producerPaused && buffered <= SocketBodyStream.lowWater
        if resume { producerPaused = false }
        cond.unlock()
        if resume { onResume() }
        return out
    }
}
