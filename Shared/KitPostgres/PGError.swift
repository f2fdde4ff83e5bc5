import CPostgres

/// An error from KitPostgres. `message` never contains bound parameter values: it is the
/// server's primary message (never its DETAIL, which echoes row values), and for data
/// exceptions (SQLSTATE class 22) quoted input values are redacted.
public struct PGError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Could not connect, or the connection was lost (also SQLSTATE classes 08 and 57P0x).
        case connection
        /// The server rejected a statement (see `sqlState`).
        case query
        /// A row value could not be decoded into the requested Swift type.
        case decode
        /// `PGPool` could not hand out a connection within its acquire timeout.
        case poolTimeout
    }

    public let kind: Kind
    /// The five-character SQLSTATE, e.g. "23505", when the server sent one.
    public let sqlState: String?
    public let message: String
    /// PG_DIAG_CONSTRAINT_NAME when present (unique, foreign key, check, exclusion violations).
    public var constraint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
    }

    /// unique_violation (23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// serialization_failure (40001) or deadlock_detected (40P01): the transaction can be retried.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// foreign_key_violation (23503).
    public var isForeignKeyViolation: Bool { sqlState == "23503" }

    public var description: String {
        var s = "PGError(\(kind)"
        if let sqlState { s += ", \(sqlState)" }
        s += "): \(message)"
        if let constraint { s += " [constraint \(constraint)]" }
        return s
    }
}

extension PGError {
    static func decode(_ message: String) -> PGError { PGError(kind: .decode, message: message) }

    /// SQLSTATEs that mean the server ended the session (administrator command, crash, shutdown).
    static let sessionTerminatedStates: Set<String> = ["57P01", "57P02", "57P03"]

    /// Builds an error from a failed PGresult (or from the connection when `result` is nil).
    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PGError {
        let connectionBad = connection.map { PQstatus($0) != CONNECTION_OK } ?? true
        guard let result else {
            return PGError(kind: .connection, message: connectionMessage(connection, fallback: "no result from server"))
        }
        func field(_ code: UInt8) -> String? {
            guard let p = PQresultErrorField(result, Int32(code)) else { return nil }
            let s = String(cString: p)
            return s.isEmpty ? nil : s
        }
        let sqlState = field(UInt8(ascii: "C"))
        let constraint = field(UInt8(ascii: "n"))
        var message = field(UInt8(ascii: "M"))
            ?? connectionMessage(connection, fallback: "statement failed")
        if let sqlState, sqlState.hasPrefix("22") {
            message = redactQuoted(message)
        }
        var kind = Kind.query
        if connectionBad || sqlState?.hasPrefix("08") == true
            || (sqlState.map { sessionTerminatedStates.contains($0) } ?? false) {
            kind = .connection
        }
        return PGError(kind: kind, sqlState: sqlState, message: message, constraint: constraint)
    }

    static func connectionMessage(_ connection: OpaquePointer?, fallback: String) -> String {
        guard let connection, let p = PQerrorMessage(connection) else { return fallback }
        // libpq messages span lines ("…unexpectedly\n\tThis probably means…"): keep one line.
        let s = String(cString: p).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return s.isEmpty ? fallback : s
    }

    /// Replaces every double-quoted span with "…" (data-exception messages quote the offending input).
    static func redactQuoted(_ message: String) -> String {
        var out = ""
        var inQuote = false
        for ch in message {
            if ch == "\"" {
                if inQuote { out += "…\"" } else { out.append(ch) }
                inQuote.toggle()
            } else if !inQuote {
                out.append(ch)
            }
        }
        if inQuote { out += "…" }
        return out
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
