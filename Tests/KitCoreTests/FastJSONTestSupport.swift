import Foundation
import XCTest
import KitCore
#if canImport(Glibc)
import Glibc
#endif

/// Reference coders for the FastJSON tests: `JSONEncoder`/`JSONDecoder` configured like the
/// suite's `JSON.encoder()`/`JSON.decoder()` (no escaped slashes, RFC 3339 +08:00 dates).
enum FJReference {
    /// The same arithmetic as `Time.rfc3339`, except that milliseconds before 1970 are floored
    /// (`Time.rfc3339` truncates the seconds towards zero there).
    static func rfc3339(_ date: Date) -> String {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = totalMs / 1000
        var ms = Int(totalMs % 1000)
        if ms < 0 { ms += 1000; seconds -= 1 }
        var t = time_t(seconds + 8 * 3600)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }

    static func parse(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)
    }

    static func encoder(sortedKeys: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = sortedKeys ? [.withoutEscapingSlashes, .sortedKeys] : [.withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(rfc3339(date))
        }
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = parse(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid RFC 3339 time: \(s)")
            }
            return date
        }
        return d
    }
}

/// FastJSON's output as a String.
func fastText<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try FastJSON.encode(value), as: UTF8.self)
}

/// JSONEncoder's output (suite configuration) as a String.
func referenceText<T: Encodable>(_ value: T, sortedKeys: Bool = false) throws -> String {
    String(decoding: try FJReference.encoder(sortedKeys: sortedKeys).encode(value), as: UTF8.self)
}

/// Parses JSON text into Foundation objects (NSDictionary/NSArray/NSNumber/NSString/NSNull).
func parsed(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> NSObject? {
    do {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        return object as? NSObject
    } catch {
        XCTFail("not valid JSON (\(error)): \(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
        return nil
    }
}

/// FastJSON and JSONEncoder produce the same JSON structure (key order aside).
func assertSameStructure<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let fast = try FastJSON.encode(value)
        let reference = Array(try FJReference.encoder().encode(value))
        guard let a = parsed(fast, file: file, line: line), let b = parsed(reference, file: file, line: line) else { return }
        XCTAssertTrue(a.isEqual(b), "FastJSON \(String(decoding: fast, as: UTF8.self)) differs from JSONEncoder \(String(decoding: reference, as: UTF8.self))",
                      file: file, line: line)
    } catch {
        XCTFail("encoding failed: \(error)", file: file, line: line)
    }
}

/// FastJSON's bytes equal JSONEncoder's with `.sortedKeys`: for values whose keys are encoded
/// in sorted order, this checks escaping and number text exactly.
func assertSameText<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(try fastText(value), try referenceText(value, sortedKeys: true), file: file, line: line)
}

/// FastJSON's output decodes (JSONDecoder, suite configuration) back to the same value, and has
/// the same structure as JSONEncoder's.
func assertRoundTrip<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let bytes = try FastJSON.encode(value)
        let back = try FJReference.decoder().decode(T.self, from: Data(bytes))
        XCTAssertEqual(back, value, "round trip through \(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
    } catch {
        XCTFail("round trip failed: \(error)", file: file, line: line)
    }
    assertSameStructure(value, file: file, line: line)
}

/// The coding path of an EncodingError, as strings.
func errorPath(_ error: any Error) -> [String]? {
    guard case EncodingError.invalidValue(_, let context) = error else { return nil }
    return context.codingPath.map { $0.intValue.map { "\($0)" } ?? $0.stringValue }
}
