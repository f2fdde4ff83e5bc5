import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size pool of blocking connections, shared by worker threads (never use it from
/// Swift's cooperative thread pool: every call blocks).
///
/// - Connections open lazily, up to `size`; a borrower waits up to `acquireTimeout` for one,
///   then gets `PGError.Kind.poolTimeout`.
/// - An idle connection is probed before it is handed out; a broken one (server restart,
///   `pg_terminate_backend`) is discarded and replaced.
/// - A body that fails with a connection error is run once more on a fresh connection when
///   that cannot repeat a change: every statement it had completed was read-only or
///   session/transaction control, and the failing statement was read-only, or was the first
///   one sent on a connection reused from the idle list (a stale connection after a restart
///   or `pg_terminate_backend`), or the server reported it ended the session (57P01/57P02/
///   57P03) before running it. A write that may have run before its reply was lost is not
///   retried: that error reaches the caller.
/// - Connection setup (`connect_timeout`, default 10 s) is not bounded by `acquireTimeout`.
/// - Do not nest `withConnection`/`query`/`transaction` calls on the same pool from inside a
///   body when all connections may be borrowed: the inner call waits for the outer one.
/// - A connection returned inside a transaction is rolled back. Other session state (SET,
///   temp tables, advisory locks) stays with the connection: reset what you change.
public final class PGPool: @unchecked Sendable {
    public let size: Int
    public let acquireTimeout: TimeInterval
    private let url: String
    private let onEvent: (@Sendable (String) -> Void)?

    private let lock = PGLock()
    private var idle: [PGConnection] = []   // guarded by lock
    private var open = 0                    // connections open or being opened
    private var borrowed = 0                // connections handed out (or being opened for a borrower)
    private var isShutdown = false

    public init(url: String, size: Int = 8, acquireTimeout: TimeInterval = 5,
                onEvent: (@Sendable (String) -> Void)? = nil) {
        self.url = url
        self.size = max(1, size)
        self.acquireTimeout = max(0, acquireTimeout)
        self.onEvent = onEvent
    }

    deinit {
        for c in idle { c.close() }
    }

    /// `size` is the configured maximum; `idle + inUse` connections are currently open.
    public var stats: (size: Int, idle: Int, inUse: Int) {
        lock.withLock { (size, idle.count, borrowed) }
    }

    /// Borrows a connection (lazily opened, reopened if broken), runs `body`, returns it.
    /// Broken connections are discarded and reopened; a read-only body that failed with a
    /// connection error is retried once on a fresh connection.
    @discardableResult
    public func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        var fresh = false
        while true {
            let c = try checkout(fresh: fresh)
            do {
                let value = try body(c)
                checkin(c)
                return value
            } catch let error as PGError where error.kind == .connection && !fresh
                        && c.sawConnectionError && !c.retryUnsafe {
                checkin(c)
                emit("connection lost (\(error.message)); retrying once on a fresh connection")
                fresh = true
            } catch {
                checkin(c)
                throw error
            }
        }
    }

    /// One statement on a pooled connection, retried once on connection loss when that is
    /// safe (see the type's documentation).
    @discardableResult
    public func query(_ sql: String, _ params: [PGBindable?] = []) throws -> PGResult {
        try withConnection { try $0.query(sql, params) }
    }

    /// BEGIN … COMMIT, ROLLBACK on throw. Retries the whole body (so keep it free of other side
    /// effects) up to `retries` times on serialization failure or deadlock (40001/40P01, also
    /// when the body caught that error and threw its own), with jittered backoff, and once
    /// more on a fresh connection when the connection was lost before COMMIT was sent.
    @discardableResult
    public func transaction<T>(isolation: PGIsolation = .readCommitted, retries: Int = 3,
                               _ body: (PGConnection) throws -> T) throws -> T {
        var attempt = 0
        var fresh = false
        var connectionRetried = false
        while true {
            let c = try checkout(fresh: fresh)
            fresh = false
            var committing = false
            var serializationAbort = false
            do {
                try c.execute(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL " + isolation.rawValue)
                let value: T
                do {
                    value = try body(c)
                } catch {
                    serializationAbort = c.inFailedTransaction && c.lastError?.isSerializationFailure == true
                    c.rollbackQuietly()
                    throw error
                }
                committing = true
                try c.commit()
                checkin(c)
                return value
            } catch {
                let lost = c.sawConnectionError
                checkin(c)
                let pgError = error as? PGError
                if (pgError?.isSerializationFailure == true || serializationAbort), attempt < retries {
                    attempt += 1
                    emit("serialization failure or deadlock; retrying transaction (\(attempt)/\(retries))")
                    let ceiling = min(0.5, 0.01 * pow(2, Double(min(attempt, 10))))
                    usleep(useconds_t(Double.random(in: 0.002...ceiling) * 1_000_000))
                    continue
                }
                if pgError?.kind == .connection, lost, !committing, !connectionRetried {
                    connectionRetried = true
                    fresh = true
                    emit("connection lost before COMMIT (\(pgError!.message)); retrying transaction on a fresh connection")
                    continue
                }
                throw error
            }
        }
    }

    /// `SELECT 1` on a pooled connection (for readiness checks).
    public func ping() -> Bool {
        (try? query("SELECT 1")) != nil
    }

    /// Closes idle connections now and borrowed ones when they come back; later calls throw.
    public func shutdown() {
        let toClose: [PGConnection] = lock.withLock {
            isShutdown = true
            let list = idle
            idle.removeAll()
            open -= list.count
            lock.broadcast()
            return list
        }
        for c in toClose { c.close() }
        emit("pool shut down")
    }

    // MARK: - Checkout / checkin

    private func checkout(fresh: Bool) throws -> PGConnection {
        let deadline = PGLock.now() + acquireTimeout
        lock.lock()
        while true {
            if isShutdown {
                lock.unlock()
                throw PGError(kind: .connection, message: "connection pool is shut down")
            }
            if !fresh, let c = idle.popLast() {
                borrowed += 1
                lock.unlock()
                if c.probe() {
                    c.prepareForCheckout()
                    c.reusedFromIdle = true
                    return c
                }
                c.close()
                emit("discarded a broken idle connection")
                lock.lock()
                borrowed -= 1
                open -= 1
                continue
            }
            var replaced: PGConnection?
            if fresh, open >= size, let old = idle.popLast() {
                open -= 1
                replaced = old
            }
            if open < size {
                open += 1
                borrowed += 1
                let number = open
                lock.unlock()
                replaced?.close()
                do {
                    let c = try PGConnection(url: url)
                    emit("opened connection \(number)/\(size)")
                    c.prepareForCheckout()
                    return c
                } catch {
                    lock.withLock {
                        open -= 1
                        borrowed -= 1
                        lock.signal()
                    }
                    emit("could not open a connection: \(error)")
                    throw error
                }
            }
            if PGLock.now() >= deadline {
                lock.unlock()
                emit("timed out after \(acquireTimeout)s waiting for a connection")
                throw PGError(kind: .poolTimeout,
                              message: "no connection available within \(acquireTimeout)s (pool size \(size), all in use)")
            }
            _ = lock.wait(until: deadline)
        }
    }

    private func checkin(_ c: PGConnection) {
        var keep = c.isAlive && !c.sawConnectionError
        if keep, c.inTransaction {
            c.rollbackQuietly()
            keep = c.isAlive && !c.inTransaction
            emit("rolled back a transaction left open on a returned connection")
        }
        let closeNow: Bool = lock.withLock {
            borrowed -= 1
            let stay = keep && !isShutdown
            if stay { idle.append(c) } else { open -= 1 }
            lock.signal()
            return !stay
        }
        if closeNow {
            c.close()
            if !keep { emit("discarded a broken connection") }
        }
    }

    private func emit(_ message: String) {
        onEvent?(message)
    }
}

extension PGConnection {
    func prepareForCheckout() {
        retryUnsafe = false
        reusedFromIdle = false
        lastError = nil
        sawConnectionError = false
    }
}
