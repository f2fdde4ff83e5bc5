import Foundation

/// A type that can be decoded from a column's text output.
public protocol PGDecodable {
    init(pgText: String) throws
}

/// Column names of one result, shared by all its rows.
final class PGColumns: Sendable {
    let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index = [String: Int]()
        for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }  // first wins
        self.index = index
    }
}

/// One result row; all values are the server's text output, copied out of the PGresult.
public struct PGRow: Sendable {
    let columnInfo: PGColumns
    let values: [String?]

    init(columns: PGColumns, values: [String?]) {
        self.columnInfo = columns
        self.values = values
    }

    /// A row built by hand (e.g. to unit-test row mapping without a database). `values` are
    /// text as the server would print them, nil for NULL; missing trailing values are NULL.
    public init(columns: [String], values: [String?]) {
        self.columnInfo = PGColumns(columns)
        self.values = values.count >= columns.count
            ? Array(values.prefix(columns.count))
            : values + Array(repeating: nil, count: columns.count - values.count)
    }

    /// Column names in result order.
    public var columns: [String] { columnInfo.names }

    /// Raw text of the column at `index`; nil for NULL or an out-of-range index.
    public subscript(index: Int) -> String? {
        values.indices.contains(index) ? values[index] : nil
    }

    /// True when the column is NULL. Throws when there is no such column.
    public func isNull(_ column: String) throws -> Bool {
        try raw(column) == nil
    }

    // MARK: Text

    /// Throws a decode error when the column is missing or NULL.
    public func string(_ column: String) throws -> String {
        try required(column)
    }

    /// nil when the column is NULL or missing.
    public func optionalString(_ column: String) -> String? {
        guard let i = columnInfo.index[column] else { return nil }
        return values[i]
    }

    // MARK: Numbers

    /// Accepts integer output and integral numeric output ("42", "42.000").
    public func int(_ column: String) throws -> Int {
        try Int(pgText: required(column), column: column)
    }

    public func optionalInt(_ column: String) throws -> Int? {
        try raw(column).map { try Int(pgText: $0, column: column) }
    }

    public func double(_ column: String) throws -> Double {
        try Double(pgText: required(column), column: column)
    }

    public func optionalDouble(_ column: String) throws -> Double? {
        try raw(column).map { try Double(pgText: $0, column: column) }
    }

    // MARK: Other scalars

    public func bool(_ column: String) throws -> Bool {
        try Bool(pgText: required(column), column: column)
    }

    public func optionalBool(_ column: String) throws -> Bool? {
        try raw(column).map { try Bool(pgText: $0, column: column) }
    }

    /// timestamptz/timestamp/date text output with any zone offset, with or without fraction.
    public func date(_ column: String) throws -> Date {
        try Date(pgText: required(column), column: column)
    }

    public func optionalDate(_ column: String) throws -> Date? {
        try raw(column).map { try Date(pgText: $0, column: column) }
    }

    public func uuid(_ column: String) throws -> UUID {
        try UUID(pgText: required(column), column: column)
    }

    public func optionalUUID(_ column: String) throws -> UUID? {
        try raw(column).map { try UUID(pgText: $0, column: column) }
    }

    /// bytea output (hex, or the legacy escape format).
    public func bytes(_ column: String) throws -> [UInt8] {
        do { return try PGBytea.decode(required(column)) } catch let e as PGError where e.kind == .decode {
            throw PGError.decode("column \"\(column)\": \(e.message)")
        }
    }

    public func optionalBytes(_ column: String) throws -> [UInt8]? {
        guard try raw(column) != nil else { return nil }
        return try bytes(column)
    }

    // MARK: Arrays

    /// One-dimensional text[] (or any array) output. Throws on a NULL column or a NULL
    /// element; use `optionalStringArray` when elements may be NULL.
    public func stringArray(_ column: String) throws -> [String] {
        let elements = try optionalStringArray(column)
        return try elements.map {
            guard let e = $0 else { throw PGError.decode("column \"\(column)\": array contains NULL") }
            return e
        }
    }

    /// One-dimensional array output with NULL elements as nil (an unquoted NULL; a quoted
    /// "NULL" is the string). Throws on a NULL column.
    public func optionalStringArray(_ column: String) throws -> [String?] {
        do { return try PGArrayLiteral.decode(required(column)) } catch let e as PGError where e.kind == .decode {
            throw PGError.decode("column \"\(column)\": \(e.message)")
        }
    }

    // MARK: Generic

    /// Throws a decode error when the column is missing or NULL.
    public func decode<T: PGDecodable>(_ type: T.Type, _ column: String) throws -> T {
        let text = try required(column)
        do { return try T(pgText: text) } catch let e as PGError where e.kind == .decode {
            throw PGError.decode("column \"\(column)\": \(e.message)")
        }
    }

    /// nil when the column is NULL; throws when it is missing or does not decode.
    public func decodeIfPresent<T: PGDecodable>(_ type: T.Type, _ column: String) throws -> T? {
        guard try raw(column) != nil else { return nil }
        return try decode(type, column)
    }

    // MARK: Helpers

    private func raw(_ column: String) throws -> String? {
        guard let i = columnInfo.index[column] else {
            throw PGError.decode("no column \"\(column)\" in result (columns: \(columnInfo.names.joined(separator: ", ")))")
        }
        return values[i]
    }

    private func required(_ column: String) throws -> String {
        guard let v = try raw(column) else { throw PGError.decode("column \"\(column)\" is NULL") }
        return v
    }
}

/// The rows of one statement plus its affected-row count (PQcmdTuples).
public struct PGResult: Sendable {
    public let rows: [PGRow]
    /// Rows inserted/updated/deleted/copied, or returned by SELECT; 0 when not applicable.
    public let affectedRows: Int
    /// Column names (also available when there are no rows).
    public let columns: [String]

    public init(rows: [PGRow], affectedRows: Int, columns: [String]) {
        self.rows = rows
        self.affectedRows = affectedRows
        self.columns = columns
    }

    public var first: PGRow? { rows.first }
}

// MARK: - PGDecodable conformances

extension String: PGDecodable {
    public init(pgText: String) throws { self = pgText }
}

extension Int: PGDecodable {
    public init(pgText: String) throws { try self.init(pgText: pgText, column: nil) }

    init(pgText: String, column: String?) throws {
        if let v = Int(pgText) { self = v; return }
        // numeric output of an integral value, e.g. sum(bigint) = "42" or round(x) = "42.000"
        if let dot = pgText.firstIndex(of: "."),
           pgText[pgText.index(after: dot)...].allSatisfy({ $0 == "0" }),
           let v = Int(pgText[..<dot]) {
            self = v; return
        }
        throw PGError.decode(decodeMessage("an integer", column))
    }
}

extension Int64: PGDecodable {
    public init(pgText: String) throws {
        guard let v = Int64(pgText) else { throw PGError.decode(decodeMessage("a 64-bit integer", nil)) }
        self = v
    }
}

extension Int32: PGDecodable {
    public init(pgText: String) throws {
        guard let v = Int32(pgText) else { throw PGError.decode(decodeMessage("a 32-bit integer", nil)) }
        self = v
    }
}

extension Double: PGDecodable {
    public init(pgText: String) throws { try self.init(pgText: pgText, column: nil) }

    init(pgText: String, column: String?) throws {
        switch pgText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let v = Double(pgText) else { throw PGError.decode(decodeMessage("a number", column)) }
            self = v
        }
    }
}

extension Bool: PGDecodable {
    public init(pgText: String) throws { try self.init(pgText: pgText, column: nil) }

    init(pgText: String, column: String?) throws {
        switch pgText {
        case "t", "true", "TRUE", "1": self = true
        case "f", "false", "FALSE", "0": self = false
        default: throw PGError.decode(decodeMessage("a boolean", column))
        }
    }
}

extension Date: PGDecodable {
    public init(pgText: String) throws { try self.init(pgText: pgText, column: nil) }

    init(pgText: String, column: String?) throws {
        guard let d = PGDateTime.parse(pgText) else { throw PGError.decode(decodeMessage("a timestamp", column)) }
        self = d
    }
}

extension UUID: PGDecodable {
    public init(pgText: String) throws { try self.init(pgText: pgText, column: nil) }

    init(pgText: String, column: String?) throws {
        guard let u = UUID(uuidString: pgText) else { throw PGError.decode(decodeMessage("a UUID", column)) }
        self = u
    }
}

extension Data: PGDecodable {
    public init(pgText: String) throws { self = Data(try PGBytea.decode(pgText)) }
}

private func decodeMessage(_ what: String, _ column: String?) -> String {
    // The value itself is deliberately not included.
    if let column { return "column \"\(column)\" is not \(what)" }
    return "value is not \(what)"
}
