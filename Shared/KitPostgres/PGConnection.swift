import CPostgres
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection. Calls block; use it from one thread at a time (it is not Sendable).
/// Values are only ever sent as text-format parameters ($1, $2 …), never spliced into SQL.
///
/// Every connection is opened with `client_encoding=UTF8`, `DateStyle=ISO,MDY` and
/// `bytea_output=hex` (appended to any `options` given), `connect_timeout=10` unless given,
/// and `application_name` defaulting to the process name (unless set in the URL or PGAPPNAME).
public final class PGConnection {
    private var conn: OpaquePointer?

    // Bookkeeping used by PGPool (reset at every checkout).
    /// A statement that may have changed data has been sent since checkout: a connection error
    /// can then no longer be retried blindly.
    var retryUnsafe = false
    /// Checked out from the pool's idle list and no statement sent since.
    var reusedFromIdle = false
    /// The last error raised by a statement on this connection.
    var lastError: PGError?
    /// A statement failed with a connection error; the pool discards the connection.
    var sawConnectionError = false

    /// Opens a connection. `url` is a `postgresql://` / `postgres://` URL or a libpq
    /// `key=value` string.
    public init(url: String) throws {
        let params = try ConnInfo.connectParameters(url)
        let keys = params.map { strdup($0.0) }
        let values = params.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keyPtrs: [UnsafePointer<CChar>?] = keys.map { UnsafePointer($0) } + [nil]
        var valuePtrs: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        let c = keyPtrs.withUnsafeMutableBufferPointer { k in
            valuePtrs.withUnsafeMutableBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let c else { throw PGError(kind: .connection, message: "out of memory allocating a connection") }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = PGError.connectionMessage(c, fallback: "connection failed")
            PQfinish(c)
            throw PGError(kind: .connection, message: message)
        }
        PQsetNoticeProcessor(c, { _, _ in }, nil)  // NOTICE/WARNING text is not written to stderr
        conn = c
    }

    deinit {
        if let conn { PQfinish(conn) }
    }

    /// True while libpq reports CONNECTION_OK. A dropped server connection is only noticed
    /// by the next I/O; `PGPool` probes the socket before handing out an idle connection.
    public var isAlive: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    /// Reconnects with the same parameters (PQreset). Session state (SET, temp tables) is lost.
    public func reset() throws {
        guard let conn else { throw PGError(kind: .connection, message: "connection is closed") }
        PQreset(conn)
        guard PQstatus(conn) == CONNECTION_OK else {
            throw PGError(kind: .connection, message: PGError.connectionMessage(conn, fallback: "reset failed"))
        }
        sawConnectionError = false
    }

    /// Closes the connection; further calls throw a connection error. Idempotent.
    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// The server's backend process id (for pg_stat_activity / pg_terminate_backend), 0 when closed.
    public var backendPID: Int {
        conn.map { Int(PQbackendPID($0)) } ?? 0
    }

    /// True inside a transaction block (open or failed).
    public var inTransaction: Bool {
        guard let conn else { return false }
        let s = PQtransactionStatus(conn)
        return s == PQTRANS_INTRANS || s == PQTRANS_INERROR
    }

    var inFailedTransaction: Bool {
        guard let conn else { return false }
        return PQtransactionStatus(conn) == PQTRANS_INERROR
    }

    // MARK: - Statements

    /// Runs one statement with text-format parameters ($1 … $n, nil/`Optional.none` is NULL)
    /// over the extended protocol.
    @discardableResult
    public func query(_ sql: String, _ params: [PGBindable?] = []) throws -> PGResult {
        let conn = try handle()
        let texts: [String?] = params.map { $0.flatMap { $0.pgText } }
        for (i, t) in texts.enumerated() where t?.utf8.contains(0) == true {
            throw PGError(kind: .query, message: "parameter $\(i + 1) contains a NUL character, which PostgreSQL text cannot store")
        }
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { $0.map { UnsafePointer($0) } }
        let outcome = exec(conn) {
            pointers.withUnsafeMutableBufferPointer { buf in
                PQsendQueryParams(conn, sql, Int32(buf.count), nil,
                                  buf.count == 0 ? nil : UnsafePointer(buf.baseAddress), nil, nil, 0)
            }
        }
        return try finish(outcome, conn: conn, retrySafe: PGStatement.isRetrySafe(sql))
    }

    /// Runs SQL over the simple protocol: several `;`-separated statements allowed (migrations,
    /// DDL, SET), no parameters. Without an explicit transaction the statements run as one
    /// implicit transaction.
    public func execute(_ sql: String) throws {
        let conn = try handle()
        let outcome = exec(conn) { PQsendQuery(conn, sql) }
        _ = try finish(outcome, conn: conn, retrySafe: PGStatement.isRetrySafe(sql, allowMultiple: false))
    }

    /// COPY … FROM STDIN of data already in COPY's text format (the caller escaped it; bulk
    /// imports build it in parallel): each buffer is sent as it is, in one `PQputCopyData` per
    /// 1 MiB. Returns the rows copied.
    public func copyIn(_ sql: String, text buffers: [[UInt8]]) throws -> Int {
        let conn = try beginCopyIn(sql)
        var sendFailed = false
        outer: for buffer in buffers {
            var offset = 0
            while offset < buffer.count {
                let n = min(1 << 20, buffer.count - offset)
                let ok = buffer.withUnsafeBufferPointer { b in
                    UnsafeRawPointer(b.baseAddress! + offset).withMemoryRebound(to: CChar.self, capacity: n) {
                        PQputCopyData(conn, $0, Int32(n))
                    }
                }
                if ok != 1 { sendFailed = true; break outer }
                offset += n
            }
        }
        return try endCopyIn(conn, sendFailed: sendFailed, abortReason: nil)
    }

    /// COPY … FROM STDIN in text format: each row's fields are tab-separated with `\`, tab,
    /// newline and carriage return escaped and nil sent as `\N`. Returns the rows copied.
    public func copyIn(_ sql: String, rows: some Sequence<[String?]>) throws -> Int {
        let conn = try beginCopyIn(sql)
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 16)
        var sendFailed = false
        func flush() {
            guard !buffer.isEmpty, !sendFailed else { buffer.removeAll(keepingCapacity: true); return }
            let ok = buffer.withUnsafeBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                    PQputCopyData(conn, $0, Int32(b.count))
                }
            }
            if ok != 1 { sendFailed = true }
            buffer.removeAll(keepingCapacity: true)
        }
        var abortReason: String?
        rowLoop: for row in rows {
            for (i, field) in row.enumerated() {
                if i > 0 { buffer.append(9) }
                guard let field else {
                    buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "N"))
                    continue
                }
                guard PGCopyText.append(field, to: &buffer) else {
                    abortReason = "a COPY field contains a NUL character"
                    break rowLoop
                }
            }
            buffer.append(10)
            if buffer.count >= 1 << 16 { flush() }
            if sendFailed { break }
        }
        if abortReason == nil { flush() } else { buffer.removeAll() }
        return try endCopyIn(conn, sendFailed: sendFailed, abortReason: abortReason)
    }

    /// Sends a COPY … FROM STDIN statement; returns once the server waits for the data.
    private func beginCopyIn(_ sql: String) throws -> OpaquePointer {
        let conn = try handle()
        retryUnsafe = true
        reusedFromIdle = false
        guard let start = exec(conn, { PQsendQuery(conn, sql) }).result else {
            throw record(PGError.from(result: nil, connection: conn))
        }
        let status = PQresultStatus(start)
        guard status == PGRES_COPY_IN else {
            defer { PQclear(start) }
            if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR {
                throw record(PGError.from(result: start, connection: conn))
            }
            drainCopyOut(conn, status)
            while let r = PQgetResult(conn) { PQclear(r) }
            throw record(PGError(kind: .query, message: "copyIn needs a COPY … FROM STDIN statement"))
        }
        PQclear(start)
        return conn
    }

    /// Ends the data (aborting the COPY with `abortReason` when given), collects the final
    /// result(s) and returns the rows copied.
    private func endCopyIn(_ conn: OpaquePointer, sendFailed: Bool, abortReason: String?) throws -> Int {
        let endOK = abortReason.map { PQputCopyEnd(conn, $0) } ?? PQputCopyEnd(conn, nil)
        var error: PGError?
        var copied = 0
        while let res = PQgetResult(conn) {
            let st = PQresultStatus(res)
            if st == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(res))) ?? 0
            } else if error == nil {
                error = PGError.from(result: res, connection: conn)
            }
            PQclear(res)
            if PQstatus(conn) != CONNECTION_OK { break }
        }
        if let abortReason { throw record(PGError(kind: .query, message: abortReason)) }
        if let error { throw record(error) }
        if sendFailed || endOK != 1 || PQstatus(conn) != CONNECTION_OK {
            throw record(PGError(kind: .connection, message: PGError.connectionMessage(conn, fallback: "COPY failed")))
        }
        return copied
    }

    /// BEGIN … COMMIT on this connection, ROLLBACK when `body` throws. No retries (see
    /// `PGPool.transaction` for those). Throws the original error of a statement that failed
    /// inside the body even if the body caught it (the transaction is aborted then).
    @discardableResult
    public func transaction<T>(isolation: PGIsolation = .readCommitted, _ body: () throws -> T) throws -> T {
        try execute(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL " + isolation.rawValue)
        return try committing(body)
    }

    /// The rest of a transaction once BEGIN went out: `body`, then COMMIT, or ROLLBACK when it throws.
    func committing<T>(_ body: () throws -> T) throws -> T {
        let value: T
        do {
            value = try body()
        } catch {
            rollbackQuietly()
            throw error
        }
        try commit()
        return value
    }

    // MARK: - Internals

    func handle() throws -> OpaquePointer {
        guard let conn else { throw PGError(kind: .connection, message: "connection is closed") }
        return conn
    }

    /// COMMIT, turning "COMMIT of an aborted transaction" (which the server answers with
    /// ROLLBACK and no error) into the error that aborted it.
    func commit() throws {
        let conn = try handle()
        if PQtransactionStatus(conn) == PQTRANS_INERROR {
            rollbackQuietly()
            throw abortedError()
        }
        guard let res = exec(conn, { PQsendQuery(conn, "COMMIT") }).result else {
            throw record(PGError.from(result: nil, connection: conn))
        }
        defer { PQclear(res) }
        guard PQresultStatus(res) == PGRES_COMMAND_OK else { throw record(PGError.from(result: res, connection: conn)) }
        if String(cString: PQcmdStatus(res)) == "ROLLBACK" { throw abortedError() }
    }

    func rollbackQuietly() {
        guard let conn, PQstatus(conn) == CONNECTION_OK, PQtransactionStatus(conn) != PQTRANS_IDLE else { return }
        PQclear(exec(conn, { PQsendQuery(conn, "ROLLBACK") }).result)
    }

    private func abortedError() -> PGError {
        lastError ?? PGError(kind: .query, sqlState: "25P02",
                             message: "the transaction was aborted by an error that was caught inside it")
    }

    /// Socket check for an idle connection: consumes anything the server sent while idle (a
    /// FATAL before a terminated backend exits, EOF) and reports whether it is still usable.
    func probe() -> Bool {
        guard let conn, PQstatus(conn) == CONNECTION_OK, PQtransactionStatus(conn) == PQTRANS_IDLE else { return false }
        let fd = PQsocket(conn)
        guard fd >= 0 else { return false }
        for _ in 0..<4 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, 0)
            if r == 0 { return true }
            if r < 0 { return errno == EINTR }
            if PQconsumeInput(conn) == 0 { return false }
            while let n = PQnotifies(conn) { PQfreemem(n) }
            if PQstatus(conn) != CONNECTION_OK { return false }
        }
        return PQstatus(conn) == CONNECTION_OK
    }

    @discardableResult
    func record(_ error: PGError) -> PGError {
        lastError = error
        if error.kind == .connection { sawConnectionError = true }
        return error
    }

    /// Sends with `send` and collects the results, keeping the first error (a FATAL error
    /// followed by connection loss keeps its SQLSTATE) or else the last result. Stops at a
    /// COPY state. `sent` is false when nothing reached the socket.
    private func exec(_ conn: OpaquePointer, _ send: () -> Int32) -> (result: OpaquePointer?, sent: Bool) {
        guard send() == 1 else { return (nil, false) }
        var kept: OpaquePointer?
        while let r = PQgetResult(conn) {
            let status = PQresultStatus(r)
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                PQclear(kept)
                return (r, true)
            }
            if let k = kept, PQresultStatus(k) == PGRES_FATAL_ERROR {
                PQclear(r)
            } else {
                PQclear(kept)
                kept = r
            }
            if PQstatus(conn) != CONNECTION_OK { break }
        }
        return (kept, true)
    }

    private func finish(_ outcome: (result: OpaquePointer?, sent: Bool), conn: OpaquePointer,
                        retrySafe: Bool) throws -> PGResult {
        // The first statement on a connection reused from the idle pool that fails with a
        // connection error found a stale connection (server restart, terminated backend):
        // it did not run.
        let firstOnReused = reusedFromIdle
        reusedFromIdle = false
        guard let res = outcome.result else {
            if !retrySafe && outcome.sent && !firstOnReused { retryUnsafe = true }
            throw record(PGError.from(result: nil, connection: conn))
        }
        defer { PQclear(res) }
        let status = PQresultStatus(res)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            if !retrySafe { retryUnsafe = true }
            return Self.makeResult(res)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            if status == PGRES_COPY_IN {
                _ = PQputCopyEnd(conn, "use copyIn for COPY FROM STDIN")
            }
            drainCopyOut(conn, status)
            while let r = PQgetResult(conn) { PQclear(r) }
            retryUnsafe = true
            throw record(PGError(kind: .query, message: "COPY is not supported by query/execute; use copyIn"))
        default:
            let error = PGError.from(result: res, connection: conn)
            // A server-side failure rolled the statement back. A lost connection may have lost
            // the reply to a statement that ran, unless the server said it ended the session.
            if error.kind == .connection, !retrySafe, !firstOnReused,
               !(error.sqlState.map { PGError.sessionTerminatedStates.contains($0) } ?? false) {
                retryUnsafe = true
            }
            throw record(error)
        }
    }

    private func drainCopyOut(_ conn: OpaquePointer, _ status: ExecStatusType) {
        guard status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH else { return }
        var buf: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(conn, &buf, 0) > 0 {
            if let b = buf { PQfreemem(b) }
            buf = nil
        }
    }

    static func makeResult(_ res: OpaquePointer) -> PGResult {
        let nFields = PQnfields(res)
        let nTuples = PQntuples(res)
        let names = (0..<nFields).map { String(cString: PQfname(res, $0)) }
        let columns = PGColumns(names)
        var rows = [PGRow]()
        rows.reserveCapacity(Int(nTuples))
        for r in 0..<nTuples {
            var values = [String?]()
            values.reserveCapacity(Int(nFields))
            for c in 0..<nFields {
                if PQgetisnull(res, r, c) == 1 {
                    values.append(nil)
                } else {
                    let p = UnsafeRawPointer(PQgetvalue(res, r, c)!).assumingMemoryBound(to: UInt8.self)
                    let n = Int(PQgetlength(res, r, c))
                    values.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
                }
            }
            rows.append(PGRow(columns: columns, values: values))
        }
        let affected = PQcmdTuples(res).map { Int(String(cString: $0)) ?? 0 } ?? 0
        return PGResult(rows: rows, affectedRows: affected, columns: names)
    }
}

@available(*, unavailable, message: "PGConnection must be used by one thread at a time; borrow one from PGPool")
extension PGConnection: Sendable {}
