import CPostgres
import Foundation

/// One statement of a pipeline: SQL with its text-format parameters, as for `query`.
public struct PGQuery {
    public let sql: String
    public let params: [PGBindable?]

    public init(_ sql: String, _ params: [PGBindable?] = []) {
        self.sql = sql
        self.params = params
    }
}

/// The answers to a pipeline, statement by statement. A statement that failed, and every one
/// after it (the server skipped them), throws the pipeline's first error from `result(_:)`.
public struct PGPipelineResults {
    let results: [PGResult]
    let failure: PGError?

    /// The result of statement `index`, or the error that stopped the pipeline at or before it.
    public func result(_ index: Int) throws -> PGResult {
        if index < results.count { return results[index] }
        throw failure ?? PGError(kind: .query, message: "no statement \(index) in the pipeline")
    }

    /// The first error, if a statement failed.
    public var error: PGError? { failure }
}

extension PGConnection {
    /// Runs several statements in one round trip (libpq pipeline mode): all are sent, then
    /// their results are read in order. The server runs them one after another as if sent one
    /// by one; a failing statement skips the rest (inside a transaction block it aborts the
    /// transaction, as any failed statement does). Connection failures throw; a statement's
    /// failure is kept in the results (`result(_:)` throws it), so the caller can look at the
    /// answers before it first (an access check that found nothing explains a later failure).
    ///
    /// Meant for a handful of small statements (an upload's rows): results are read only once
    /// everything is sent.
    public func pipeline(_ statements: [PGQuery]) throws -> PGPipelineResults {
        let conn = try handle()
        guard !statements.isEmpty else { return PGPipelineResults(results: [], failure: nil) }
        for (n, statement) in statements.enumerated() {
            for (i, p) in statement.params.enumerated() where p.flatMap({ $0.pgText })?.utf8.contains(0) == true {
                throw PGError(kind: .query, message: "statement \(n + 1), parameter $\(i + 1) contains a NUL character, which PostgreSQL text cannot store")
            }
        }
        guard PQenterPipelineMode(conn) == 1 else {
            throw PGError(kind: .query, message: "cannot enter pipeline mode: \(PGError.connectionMessage(conn, fallback: "busy"))")
        }
        defer { _ = PQexitPipelineMode(conn) }
        if statements.contains(where: { !PGStatement.isRetrySafe($0.sql) }) { retryUnsafe = true }
        reusedFromIdle = false

        var sent = 0
        for statement in statements {
            guard Self.send(conn, statement) else { break }
            sent += 1
        }
        guard sent == statements.count, PQpipelineSync(conn) == 1 else {
            throw record(PGError(kind: .connection, message: PGError.connectionMessage(conn, fallback: "pipeline send failed")))
        }

        var results: [PGResult] = []
        var failure: PGError?
        for _ in 0..<sent {
            // One result per statement, then a NULL that ends it.
            var answer: OpaquePointer?
            while let r = PQgetResult(conn) {
                if answer == nil { answer = r } else { PQclear(r) }
            }
            guard let res = answer else {
                if PQstatus(conn) != CONNECTION_OK {
                    throw record(PGError.from(result: nil, connection: conn))
                }
                continue
            }
            defer { PQclear(res) }
            switch PQresultStatus(res) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                if failure == nil { results.append(Self.makeResult(res)) }
            case PGRES_PIPELINE_ABORTED:
                break
            default:
                if failure == nil { failure = record(PGError.from(result: res, connection: conn)) }
            }
        }
        // The sync point's own result ends the pipeline.
        while let r = PQgetResult(conn) {
            let status = PQresultStatus(r)
            PQclear(r)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        if PQstatus(conn) != CONNECTION_OK {
            throw record(PGError(kind: .connection, message: PGError.connectionMessage(conn, fallback: "connection lost")))
        }
        return PGPipelineResults(results: results, failure: failure)
    }

    /// `transaction` whose BEGIN goes out with `opening` (a lock to take, a row to claim) in
    /// one round trip; a failure among them rolls back and throws before `body` runs.
    @discardableResult
    public func transaction<T>(opening: [PGQuery], _ body: () throws -> T) throws -> T {
        let out = try pipeline([PGQuery("BEGIN")] + opening)
        if let error = out.error {
            rollbackQuietly()
            throw error
        }
        return try committing(body)
    }

    private static func send(_ conn: OpaquePointer, _ statement: PGQuery) -> Bool {
        let cStrings: [UnsafeMutablePointer<CChar>?] = statement.params.map { $0.flatMap { $0.pgText }.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeMutableBufferPointer { buf in
            PQsendQueryParams(conn, statement.sql, Int32(buf.count), nil,
                              buf.count == 0 ? nil : UnsafePointer(buf.baseAddress), nil, nil, 0)
        } == 1
    }
}
