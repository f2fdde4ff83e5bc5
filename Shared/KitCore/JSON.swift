import Foundation

/// The suite's JSON coders: camelCase keys, dates as RFC 3339 with +08:00.
public enum JSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(Time.rfc3339(date))
        }
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { dec in
            let c = try dec.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = Time.parse(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid RFC 3339 time")
            }
            return date
        }
        return d
    }

    /// Shared instances: encoding and decoding are safe from many threads as long as nobody
    /// changes their settings, which nothing does after this point.
    public static let sharedEncoder = encoder()
    public static let sharedDecoder = decoder()

    /// Encodes with `FastJSON` (same text as the shared encoder, far fewer allocations).
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try FastJSON.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try sharedDecoder.decode(type, from: Data(bytes))
    }
}
