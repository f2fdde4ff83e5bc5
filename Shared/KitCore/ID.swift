import Foundation

/// Opaque, time-ordered identifiers (UUID version 7): unguessable in URLs, sortable in indexes.
public enum ID {
    public static func uuid7(now: Date = Date()) -> UUID {
        var g = SystemRandomNumberGenerator()
        let ms = UInt64(now.timeIntervalSince1970 * 1000)
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        let r1 = g.next() as UInt64, r2 = g.next() as UInt64
        for i in 6..<16 { b[i] = UInt8(truncatingIfNeeded: (i < 14 ? r1 >> (8 * UInt64(i - 6)) : r2 >> (8 * UInt64(i - 14)))) }
        b[6] = (b[6] & 0x0F) | 0x70
        b[8] = (b[8] & 0x3F) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// Lower-case string form used in URLs and JSON.
    public static func new() -> String { uuid7().uuidString.lowercased() }

    public static func isValid(_ s: String) -> Bool { UUID(uuidString: s) != nil }
}
