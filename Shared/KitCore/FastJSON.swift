import Foundation

/// A streaming JSON encoder: serialises any `Encodable` to UTF-8 as the value's `encode(to:)`
/// runs, instead of building a tree first and serialising it afterwards (which is what
/// Foundation's `JSONEncoder` does, and what makes it slow and allocation-heavy).
///
/// Output follows the suite's `JSON.encoder()` (a `JSONEncoder` with `.withoutEscapingSlashes`
/// and RFC 3339 +08:00 dates):
/// - keys in the order the type encodes them; `encodeIfPresent(nil)` omits the key, `encodeNil`
///   writes `null`;
/// - strings escaped per RFC 8259 exactly like `JSONEncoder`: `\"`, `\\`, `\b \f \n \r \t`, the
///   other control characters as `\u00xx` (lower-case hex); `/` and non-ASCII are written as is;
/// - `Double`/`Float` as `JSONEncoder` prints them (`description` without a trailing `.0`:
///   `100`, `0.1`, `1e+21`, `1e-07`, `-0`); NaN and ±infinity throw `EncodingError.invalidValue`;
/// - integers (all widths, also `Int128`/`UInt128`) as integers, `Bool` as `true`/`false`;
/// - `Date` as an RFC 3339 string in China time with milliseconds, `"2026-11-26T00:11:39.123+08:00"`,
///   computed like `Time.rfc3339` (floor of t × 1000; floored before 1970 too);
/// - `URL` as its `absoluteString`, `Data` as base64, `UUID` as its (upper-case) `uuidString`,
///   `Decimal` as a number (its `description`; `Decimal.nan` throws);
/// - dictionaries (`[String: X]`, `[Int: X]`, any `CodingKeyRepresentable` key) as objects with
///   their keys sorted by UTF-8 bytes — the order of `JSONEncoder`'s `.sortedKeys` — so output is
///   deterministic (`JSONEncoder` without `.sortedKeys` uses hash order);
/// - nested containers, `superEncoder` and single-value containers, at top level too.
///
/// A value that uses its containers in an order a stream cannot follow (writes to a container
/// after a sibling or its parent has moved on, or swallows an error thrown half-way through one
/// of its values) is re-encoded with a `JSONEncoder` configured the same way; its dictionaries'
/// keys then come in hash order. Misuse that makes `JSONEncoder` trap (two values through one
/// single-value container, a keyed container where an array was started) throws instead.
///
/// Thread safety: no shared mutable state; each call works in its own writer (each thread keeps
/// one spare writer and its buffer for the next call).
public enum FastJSON {
    /// Encodes to UTF-8 JSON (an exactly-sized array).
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = FastJSONWriter.acquire(dictionaryKeyID: dictionaryKeyID)
        defer { FastJSONWriter.recycle(writer) }
        switch try run(writer, value) {
        case .streamed: return Array(writer.written)
        case .fallback: return Array(try fallbackEncoder.encode(value))
        }
    }

    /// Appends the UTF-8 JSON of `value` to `buffer`, reusing its capacity: the JSON is built in
    /// the thread's reusable scratch buffer and appended with one `memcpy`. If encoding throws,
    /// `buffer` is left as it was.
    public static func encode<T: Encodable>(_ value: T, into buffer: inout [UInt8]) throws {
        let writer = FastJSONWriter.acquire(dictionaryKeyID: dictionaryKeyID)
        defer { FastJSONWriter.recycle(writer) }
        switch try run(writer, value) {
        case .streamed: buffer.append(contentsOf: writer.written)
        case .fallback: buffer.append(contentsOf: try fallbackEncoder.encode(value))
        }
    }

    private enum Outcome { case streamed, fallback }

    private static func run<T: Encodable>(_ writer: FastJSONWriter, _ value: T) throws -> Outcome {
        var failure: (any Error)?
        do {
            try writer.encodeRoot(value)
        } catch {
            failure = error
        }
        if let misuse = writer.misuseError { throw misuse }
        // The value used its containers in an order a streaming writer cannot follow (wrote to
        // a container after a sibling or its parent had moved on), or swallowed an error thrown
        // half-way through a value: let Foundation's tree-building encoder do it.
        if writer.needsFallback { return .fallback }
        if let failure { throw failure }
        return .streamed
    }

    /// The `JSONEncoder` used for the rare value that cannot be streamed; same output rules.
    static let fallbackEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            guard let text = FastJSONWriter.rfc3339(date) else {
                throw EncodingError.invalidValue(date, .init(codingPath: encoder.codingPath,
                                                             debugDescription: "Unable to encode a Date this far from 1970 as RFC 3339."))
            }
            var c = encoder.singleValueContainer()
            try c.encode(text)
        }
        return e
    }()

    /// The identity of the standard library's private `_DictionaryCodingKey`, which
    /// `Dictionary.encode(to:)` uses for `String`, `Int` and `CodingKeyRepresentable` keys: a
    /// keyed container asked for with that key type is a dictionary, whose keys we sort.
    /// Found once by encoding a one-entry dictionary with a probing writer.
    static let dictionaryKeyID: ObjectIdentifier? = {
        let probe = FastJSONWriter(dictionaryKeyID: nil)
        probe.probing = true
        try? probe.encodeRoot(["k": 0])
        return probe.probedKeyID
    }()
}
