import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a level of the writer's stack holds so far.
enum FastJSONState: UInt8 {
    /// A value slot nothing has been written into yet (closes as `{}`, like `JSONEncoder`).
    case empty
    /// An object: `{` written, `}` pending.
    case object
    /// A dictionary's object: like `object`, but its entries are sorted by key when it closes.
    case sortedObject
    /// An array: `[` written, `]` pending.
    case array
    /// A slot holding a finished single value.
    case single
}

/// The coding-path component of a level: kept cheap (no `String` is made for indices).
enum FastJSONPathKey {
    case root
    case key(any CodingKey)
    case index(Int)
    case superKey

    var codingKey: (any CodingKey)? {
        switch self {
        case .root: return nil
        case .key(let k): return k
        case .index(let i): return FastJSONIndexKey(index: i)
        case .superKey: return FastJSONStringKey(stringValue: "super")
        }
    }
}

/// An array position in a coding path ("Index 3", as `JSONEncoder` reports it).
struct FastJSONIndexKey: CodingKey {
    let index: Int
    init(index: Int) { self.index = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.index = intValue }
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

struct FastJSONStringKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
    var intValue: Int? { nil }
}

/// A suspended (non-top) level of the writer's stack.
struct FastJSONLevel {
    var id: UInt32
    var state: FastJSONState
    var count: Int
    var entryBase: Int
    var key: FastJSONPathKey
}

/// Raised when a value uses its containers out of the order a streaming writer can follow;
/// `FastJSON.encode` then re-encodes the value with `JSONEncoder`.
struct FastJSONFallback: Error {}

/// The one object behind an encoding: the output buffer plus a stack of open levels (value
/// slots, objects, arrays). The top level lives in stored properties so that the hot path —
/// a container of the innermost level writing a key and a value — touches no array.
///
/// Each level has an id; encoders and containers carry the id of the level they write to. A
/// container whose level is not on top but still open (a nested container of it has not been
/// closed yet) closes the levels above it first; one whose level is gone triggers the fallback.
final class FastJSONWriter {
    // The output: a growable raw buffer (no uniqueness or bounds checks per byte), reused across
    // encodes on the same thread, appended to the caller's array in one copy at the end.
    @exclusivity(unchecked) var out: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) var capacity: Int

    // The top level.
    @exclusivity(unchecked) var topID: UInt32 = 1
    @exclusivity(unchecked) var topState: FastJSONState = .empty
    @exclusivity(unchecked) var topCount = 0
    @exclusivity(unchecked) var topEntryBase = 0
    @exclusivity(unchecked) var topKey: FastJSONPathKey = .root

    /// Suspended levels; `levels[d]` is the level at depth `d` (the top's depth is `levels.count`).
    @exclusivity(unchecked) var levels: [FastJSONLevel] = []
    @exclusivity(unchecked) var nextID: UInt32 = 1
    /// For `sortedObject` levels: (start of key, end of key) offsets of every entry, stacked.
    @exclusivity(unchecked) var entries: [Int] = []

    @exclusivity(unchecked) var probing = false
    @exclusivity(unchecked) var probedKeyID: ObjectIdentifier?

    /// Set when the value cannot be streamed (see `FastJSONFallback`) or when an error thrown
    /// inside the value was swallowed by it, leaving a half-written value in the buffer.
    @exclusivity(unchecked) var needsFallback = false
    @exclusivity(unchecked) var errorThrown = false
    /// A misuse that `JSONEncoder` would trap on (e.g. two values through one single-value
    /// container): thrown by `FastJSON.encode` even if the value swallowed it.
    @exclusivity(unchecked) var misuseError: (any Error)?

    @exclusivity(unchecked) var dictionaryKeyID: ObjectIdentifier?

    init(dictionaryKeyID: ObjectIdentifier?, capacity: Int = 1024) {
        self.dictionaryKeyID = dictionaryKeyID
        self.capacity = capacity
        self.out = .allocate(capacity: capacity)
    }

    deinit {
        out.deallocate()
    }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: out, count: count) }

    /// Back to a blank state for the next encode (keeps the buffers, unless they grew large).
    func reset() {
        if capacity > 1 << 20 {
            out.deallocate()
            capacity = 4096
            out = .allocate(capacity: capacity)
        }
        count = 0
        topID = 1
        topState = .empty
        topCount = 0
        topEntryBase = 0
        topKey = .root
        if !levels.isEmpty { levels.removeAll(keepingCapacity: levels.capacity <= 64) }
        if !entries.isEmpty { entries.removeAll(keepingCapacity: entries.capacity <= 1024) }
        nextID = 1
        probing = false
        probedKeyID = nil
        needsFallback = false
        errorThrown = false
        misuseError = nil
    }

    // MARK: - Thread-local reuse

    /// Takes this thread's spare writer (or makes one). A nested `FastJSON.encode` from inside an
    /// `encode(to:)` finds the slot empty and gets a writer of its own.
    static func acquire(dictionaryKeyID: ObjectIdentifier?) -> FastJSONWriter {
        let key = fastJSONWriterKey
        if let spare = pthread_getspecific(key) {
            pthread_setspecific(key, nil)
            let writer = Unmanaged<FastJSONWriter>.fromOpaque(spare).takeRetainedValue()
            writer.dictionaryKeyID = dictionaryKeyID
            return writer
        }
        return FastJSONWriter(dictionaryKeyID: dictionaryKeyID)
    }

    /// Gives the writer back as this thread's spare.
    static func recycle(_ writer: FastJSONWriter) {
        let key = fastJSONWriterKey
        guard pthread_getspecific(key) == nil else { return }
        writer.reset()
        pthread_setspecific(key, Unmanaged.passRetained(writer).toOpaque())
    }

    // MARK: - Output

    /// Makes room for `n` more bytes.
    @inline(__always)
    func reserve(_ n: Int) {
        if count &+ n > capacity { grow(n) }
    }

    @inline(never)
    func grow(_ n: Int) {
        let newCapacity = max(capacity * 2, count + n)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: out, count: count)
        out.deallocate()
        out = bigger
        capacity = newCapacity
    }

    @inline(__always)
    func put(_ byte: UInt8) {
        reserve(1)
        out[count] = byte
        count &+= 1
    }

    /// Writes a byte into room already reserved.
    @inline(__always)
    func putReserved(_ byte: UInt8) {
        out[count] = byte
        count &+= 1
    }

    @inline(__always)
    func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        reserve(bytes.count)
        (out + count).update(from: base, count: bytes.count)
        count &+= bytes.count
    }

    // MARK: - Levels

    @inline(__always) var depth: Int { levels.count }

    /// Suspends the top level and starts a new one; returns its id.
    @inline(__always)
    func push(_ state: FastJSONState, key: FastJSONPathKey) -> UInt32 {
        levels.append(FastJSONLevel(id: topID, state: topState, count: topCount, entryBase: topEntryBase, key: topKey))
        nextID &+= 1
        if nextID == 0 { nextID = 1 }  // 0 is the id of dead containers
        topID = nextID
        topState = state
        topCount = 0
        topEntryBase = entries.count
        topKey = key
        return topID
    }

    /// Writes the top level's closing bytes.
    @inline(__always)
    func closeTop() {
        switch topState {
        case .empty: put(0x7B); put(0x7D)
        case .object: put(0x7D)
        case .sortedObject: sortDictionaryEntries(); put(0x7D)
        case .array: put(0x5D)
        case .single: break
        }
    }

    /// Closes the top level and resumes its parent.
    @inline(__always)
    func pop() {
        closeTop()
        let parent = levels.removeLast()
        topID = parent.id
        topState = parent.state
        topCount = parent.count
        topEntryBase = parent.entryBase
        topKey = parent.key
    }

    /// Closes levels until the top is at `depth`.
    @inline(__always)
    func pop(to depth: Int) {
        while levels.count > depth { pop() }
    }

    /// Makes the level (`id`, `depth`) the top one again by closing the levels above it.
    /// Returns false if that level is no longer open.
    func resync(id: UInt32, depth: Int) -> Bool {
        if id == topID { return true }
        if id != 0, depth >= 0, depth < levels.count, levels[depth].id == id {
            pop(to: depth)
            return true
        }
        if misuseError == nil { needsFallback = true }
        return false
    }

    /// `resync` for throwing container operations.
    @inline(__always)
    func enter(id: UInt32, depth: Int) throws {
        if id != topID, !resync(id: id, depth: depth) {
            errorThrown = true
            if let misuseError { throw misuseError }
            throw FastJSONFallback()
        }
    }

    func misuse(_ message: String, value: Any, depth: Int) -> EncodingError {
        let error = EncodingError.invalidValue(value, .init(codingPath: codingPath(depth: depth), debugDescription: message))
        if misuseError == nil { misuseError = error }
        errorThrown = true
        return error
    }

    func codingPath(depth: Int) -> [any CodingKey] {
        var path: [any CodingKey] = []
        guard depth > 0 else { return path }
        path.reserveCapacity(depth)
        for d in 1...depth {
            let key: FastJSONPathKey
            if d < levels.count {
                key = levels[d].key
            } else if d == levels.count {
                key = topKey
            } else {
                break
            }
            if let k = key.codingKey { path.append(k) }
        }
        return path
    }

    func codingPath(depth: Int, appending key: FastJSONPathKey) -> [any CodingKey] {
        var path = codingPath(depth: depth)
        if let k = key.codingKey { path.append(k) }
        return path
    }

    // MARK: - Values

    /// Encodes the top-level value.
    func encodeRoot<T: Encodable>(_ value: T) throws {
        if try writeSpecial(value, key: .root) {
            topState = .single
            return
        }
        let id = topID
        do {
            try value.encode(to: FastJSONEncoderImpl(writer: self, depth: 0, id: id))
        } catch {
            errorThrown = true
            throw error
        }
        if needsFallback || misuseError != nil { return }
        if errorThrown || !resync(id: id, depth: 0) {
            needsFallback = true
            return
        }
        if topState == .empty {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        closeTop()
    }

    /// Encodes `value` as the next value of the top level (whose key or comma is already
    /// written): directly for the special-cased types, else in a new slot level.
    @inline(__always)
    func encodeNested<T: Encodable>(_ value: T, key: FastJSONPathKey) throws {
        if try writeSpecial(value, key: key) { return }
        let depth = levels.count
        let id = push(.empty, key: key)
        do {
            try value.encode(to: FastJSONEncoderImpl(writer: self, depth: depth + 1, id: id))
        } catch {
            errorThrown = true
            throw error
        }
        guard resync(id: id, depth: depth + 1) else {
            errorThrown = true
            throw FastJSONFallback()
        }
        pop()
    }

    /// Writes the types `JSONEncoder` special-cases (and the primitives, which reach a generic
    /// `encode` through `Array`, `Optional`, `Dictionary`...). Returns false for other types.
    @inline(__always)
    func writeSpecial<T: Encodable>(_ value: T, key: FastJSONPathKey) throws -> Bool {
        if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Double.self {
            let v = unsafeBitCast(value, to: Double.self)
            guard writeDouble(v) else { throw invalidFloat(v, key: key) }
        } else if T.self == Bool.self {
            writeBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Date.self {
            guard writeDate(unsafeBitCast(value, to: Date.self)) else {
                throw invalid(value, key: key, "Unable to encode a Date this far from 1970 as RFC 3339.")
            }
        } else if T.self == Int64.self {
            writeInteger(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UUID.self {
            writeUUID(unsafeBitCast(value, to: UUID.self))
        } else if T.self == URL.self {
            writeString(unsafeBitCast(value, to: URL.self).absoluteString)
        } else if T.self == Decimal.self {
            let v = unsafeBitCast(value, to: Decimal.self)
            guard writeDecimal(v) else { throw invalid(v, key: key, "Unable to encode Decimal.nan directly in JSON.") }
        } else if T.self == Data.self {
            writeBase64(unsafeBitCast(value, to: Data.self))
        } else if T.self == Float.self {
            let v = unsafeBitCast(value, to: Float.self)
            guard writeFloat(v) else { throw invalidFloat(v, key: key) }
        } else if T.self == Int32.self {
            writeInteger(unsafeBitCast(value, to: Int32.self))
        } else if T.self == UInt64.self {
            writeInteger(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == UInt.self {
            writeInteger(unsafeBitCast(value, to: UInt.self))
        } else if T.self == UInt32.self {
            writeInteger(unsafeBitCast(value, to: UInt32.self))
        } else if T.self == Int16.self {
            writeInteger(unsafeBitCast(value, to: Int16.self))
        } else if T.self == UInt16.self {
            writeInteger(unsafeBitCast(value, to: UInt16.self))
        } else if T.self == Int8.self {
            writeInteger(unsafeBitCast(value, to: Int8.self))
        } else if T.self == UInt8.self {
            writeInteger(unsafeBitCast(value, to: UInt8.self))
        } else {
            return false
        }
        return true
    }

    func invalid(_ value: Any, key: FastJSONPathKey, _ message: String) -> EncodingError {
        errorThrown = true
        return EncodingError.invalidValue(value, .init(codingPath: codingPath(depth: levels.count, appending: key), debugDescription: message))
    }

    /// The error `JSONEncoder` throws for NaN and infinities.
    func invalidFloat<F: BinaryFloatingPoint>(_ value: F, key: FastJSONPathKey) -> EncodingError {
        let name = F.self == Float.self ? "Float" : "Double"
        let text = value.isNaN ? "\(name).nan" : (value < 0 ? "-\(name).infinity" : "\(name).infinity")
        return invalid(value, key: key, "Unable to encode \(text) directly in JSON.")
    }

    // MARK: - Keys

    /// Writes `,"key":` (no comma before the first entry) for the top object.
    @inline(__always)
    func writeKey(_ key: String) {
        if topCount > 0 { put(0x2C) }
        topCount += 1
        if topState == .sortedObject {
            entries.append(count)
            writeString(key)
            entries.append(count)
        } else {
            writeString(key)
        }
        put(0x3A)
    }

    /// Writes a comma before every array element but the first.
    @inline(__always)
    func writeElementSeparator() {
        if topCount > 0 { put(0x2C) }
        topCount += 1
    }

    /// Reorders the entries of the top (dictionary) object by key bytes, in place. `entries`
    /// holds, per entry, the offset of its key's opening quote and the offset just past its
    /// closing quote; entries are separated by single commas and the last runs to `count`.
    func sortDictionaryEntries() {
        let base = topEntryBase
        let n = (entries.count - base) / 2
        defer { entries.removeSubrange(base...) }
        guard n > 1 else { return }
        let end = count
        let bytes = out
        let order: [Int]? = entries.withUnsafeBufferPointer { e -> [Int]? in
            func less(_ i: Int, _ j: Int) -> Bool {
                let si = e[base + 2 * i] + 1, li = e[base + 2 * i + 1] - 1 - si
                let sj = e[base + 2 * j] + 1, lj = e[base + 2 * j + 1] - 1 - sj
                let c = memcmp(bytes + si, bytes + sj, min(li, lj))
                return c != 0 ? c < 0 : li < lj
            }
            var inOrder = true
            for i in 1..<n where less(i, i - 1) {
                inOrder = false
                break
            }
            return inOrder ? nil : (0..<n).sorted(by: less)
        }
        guard let order else { return }

        let regionStart = entries[base]
        let copy = Array(UnsafeBufferPointer(start: bytes + regionStart, count: end - regionStart))
        entries.withUnsafeBufferPointer { e in
            copy.withUnsafeBufferPointer { src in
                var pos = regionStart
                for (j, i) in order.enumerated() {
                    if j > 0 {
                        bytes[pos] = 0x2C
                        pos += 1
                    }
                    let s = e[base + 2 * i] - regionStart
                    let t = (i + 1 < n ? e[base + 2 * (i + 1)] - 1 : end) - regionStart
                    (bytes + pos).update(from: src.baseAddress! + s, count: t - s)
                    pos += t - s
                }
            }
        }
    }

    // MARK: - Scalars

    @inline(__always)
    func writeNull() {
        reserve(4)
        putReserved(0x6E); putReserved(0x75); putReserved(0x6C); putReserved(0x6C)
    }

    @inline(__always)
    func writeBool(_ value: Bool) {
        reserve(5)
        if value {
            putReserved(0x74); putReserved(0x72); putReserved(0x75); putReserved(0x65)
        } else {
            putReserved(0x66); putReserved(0x61); putReserved(0x6C); putReserved(0x73); putReserved(0x65)
        }
    }

    /// Writes `s` as a JSON string.
    @inline(__always)
    func writeString(_ s: String) {
        var s = s
        s.withUTF8 { writeEscaped($0) }
    }

    /// Writes UTF-8 as a quoted JSON string: copies runs that need no escaping in one go.
    func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        let n = utf8.count
        reserve(n + 2)
        putReserved(0x22)
        guard let base = utf8.baseAddress, n > 0 else {
            putReserved(0x22)
            return
        }
        var runStart = 0
        var i = 0
        while i < n {
            // Skip 8 bytes at a time while none is a control character, '"' or '\\' (SWAR).
            while i &+ 8 <= n {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let quote = x ^ 0x2222_2222_2222_2222
                let backslash = x ^ 0x5C5C_5C5C_5C5C_5C5C
                let control = (x &- 0x2020_2020_2020_2020) & ~x
                let zeroQuote = (quote &- 0x0101_0101_0101_0101) & ~quote
                let zeroBackslash = (backslash &- 0x0101_0101_0101_0101) & ~backslash
                if (control | zeroQuote | zeroBackslash) & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < n else { break }
            let b = base[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                i &+= 1
                continue
            }
            // Flush the run, then the escape (up to 6 bytes), keeping room for the rest + quote.
            let run = i - runStart
            reserve(run + 6 + (n - i) + 1)
            if run > 0 {
                (out + count).update(from: base + runStart, count: run)
                count += run
            }
            putReserved(0x5C)
            switch b {
            case 0x22: putReserved(0x22)
            case 0x5C: putReserved(0x5C)
            case 0x0A: putReserved(0x6E)  // \n
            case 0x0D: putReserved(0x72)  // \r
            case 0x09: putReserved(0x74)  // \t
            case 0x08: putReserved(0x62)  // \b
            case 0x0C: putReserved(0x66)  // \f
            default:  // \u00xx, lower-case hex like JSONEncoder
                putReserved(0x75); putReserved(0x30); putReserved(0x30)
                putReserved(b >> 4 == 0 ? 0x30 : 0x31)
                let low = b & 0x0F
                putReserved(low < 10 ? 0x30 + low : 0x57 + low)
            }
            i += 1
            runStart = i
        }
        let run = n - runStart
        if run > 0 {
            (out + count).update(from: base + runStart, count: run)
            count += run
        }
        putReserved(0x22)
    }

    /// Writes ASCII as it is (numbers).
    @inline(__always)
    func writeRaw(_ s: String) {
        var s = s
        s.withUTF8 { put($0) }
    }

    @inline(__always)
    func writeInteger<I: FixedWidthInteger>(_ value: I) {
        if I.isSigned {
            let v = Int64(truncatingIfNeeded: value)
            if v < 0 {
                writeDigits(v.magnitude, negative: true)
            } else {
                writeDigits(UInt64(v), negative: false)
            }
        } else {
            writeDigits(UInt64(truncatingIfNeeded: value), negative: false)
        }
    }

    func writeDigits(_ value: UInt64, negative: Bool) {
        reserve(21)
        if negative { putReserved(0x2D) }
        if value < 10 {
            putReserved(0x30 + UInt8(truncatingIfNeeded: value))
            return
        }
        // Count the digits, then fill them in from the end, two at a time.
        var digits = 2
        var limit: UInt64 = 100
        while digits < 20 && value >= limit {
            digits += 1
            limit &*= 10
        }
        var i = count + digits
        var v = value
        while v >= 100 {
            let (q, r) = v.quotientAndRemainder(dividingBy: 100)
            let r8 = UInt8(truncatingIfNeeded: r)
            i -= 2
            out[i] = 0x30 + r8 / 10
            out[i + 1] = 0x30 + r8 % 10
            v = q
        }
        if v >= 10 {
            let r8 = UInt8(truncatingIfNeeded: v)
            out[i - 2] = 0x30 + r8 / 10
            out[i - 1] = 0x30 + r8 % 10
        } else {
            out[i - 1] = 0x30 + UInt8(truncatingIfNeeded: v)
        }
        count += digits
    }

    /// Writes a `Double` as `JSONEncoder` does (`description` without a trailing ".0").
    /// Returns false for NaN and infinities.
    func writeDouble(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        // Integral values up to 2^53 print in plain decimal: do them as integers.
        if value.magnitude <= 9_007_199_254_740_992, value.rounded(.towardZero) == value {
            if value == 0 {
                if value.sign == .minus { put(0x2D) }
                put(0x30)
            } else {
                writeInteger(Int64(value))
            }
            return true
        }
        var sink = FastJSONNumberSink(writer: self)
        value.write(to: &sink)
        dropTrailingPointZero()
        return true
    }

    /// Writes a `Float` as `JSONEncoder` does. Returns false for NaN and infinities.
    func writeFloat(_ value: Float) -> Bool {
        guard value.isFinite else { return false }
        if value.magnitude <= 16_777_216, value.rounded(.towardZero) == value {
            if value == 0 {
                if value.sign == .minus { put(0x2D) }
                put(0x30)
            } else {
                writeInteger(Int64(value))
            }
            return true
        }
        var sink = FastJSONNumberSink(writer: self)
        value.write(to: &sink)
        dropTrailingPointZero()
        return true
    }

    /// `description` ends in ".0" only for integral values, which the fast paths above write;
    /// kept as a safety net.
    @inline(__always)
    private func dropTrailingPointZero() {
        if count >= 2, out[count - 1] == 0x30, out[count - 2] == 0x2E {
            count -= 2
        }
    }

    /// `Decimal` as a JSON number, like `JSONEncoder`. Returns false for NaN.
    func writeDecimal(_ value: Decimal) -> Bool {
        guard !value.isNaN else { return false }
        writeRaw(value.description)
        return true
    }

    func writeUUID(_ value: UUID) {
        let hex: StaticString = "0123456789ABCDEF"
        var u = value.uuid
        reserve(38)
        withUnsafeBytes(of: &u) { raw in
            hex.withUTF8Buffer { digits in
                putReserved(0x22)
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { putReserved(0x2D) }
                    let b = raw[i]
                    putReserved(digits[Int(b >> 4)])
                    putReserved(digits[Int(b & 0x0F)])
                }
                putReserved(0x22)
            }
        }
    }

    /// `Data` as a base64 string (standard alphabet, padded), like `JSONEncoder`'s default.
    func writeBase64(_ data: Data) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let n = data.count
        reserve((n + 2) / 3 * 4 + 2)
        putReserved(0x22)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            alphabet.withUTF8Buffer { a in
                var i = 0
                while i + 3 <= n {
                    let v = UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2])
                    putReserved(a[Int(v >> 18)])
                    putReserved(a[Int(v >> 12 & 0x3F)])
                    putReserved(a[Int(v >> 6 & 0x3F)])
                    putReserved(a[Int(v & 0x3F)])
                    i += 3
                }
                if n - i == 1 {
                    let v = UInt32(raw[i]) << 16
                    putReserved(a[Int(v >> 18)])
                    putReserved(a[Int(v >> 12 & 0x3F)])
                    putReserved(0x3D); putReserved(0x3D)
                } else if n - i == 2 {
                    let v = UInt32(raw[i]) << 16 | UInt32(raw[i + 1]) << 8
                    putReserved(a[Int(v >> 18)])
                    putReserved(a[Int(v >> 12 & 0x3F)])
                    putReserved(a[Int(v >> 6 & 0x3F)])
                    putReserved(0x3D)
                }
            }
        }
        putReserved(0x22)
    }

    /// Writes `"yyyy-MM-ddTHH:mm:ss.SSS+08:00"` (quotes included): the date's instant in China
    /// Standard Time, milliseconds rounded down as `Time.rfc3339` does (floor of t × 1000, also
    /// before 1970). Returns false, writing nothing, for dates outside years 0000...9999.
    func writeDate(_ date: Date) -> Bool {
        let msDouble = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard msDouble.isFinite, msDouble.magnitude < 8.0e18 else { return false }
        let totalMs = Int64(msDouble)
        var seconds = totalMs / 1000
        var ms = Int(totalMs % 1000)
        if ms < 0 {  // floor, not truncation, before 1970
            ms += 1000
            seconds -= 1
        }
        var t = time_t(seconds + 8 * 3600)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return false }
        let year = Int(parts.tm_year) + 1900
        guard year >= 0, year <= 9999 else { return false }

        reserve(31)
        let o = out + count
        @inline(__always) func two(_ at: Int, _ v: Int) {
            o[at] = 0x30 + UInt8(truncatingIfNeeded: v / 10)
            o[at + 1] = 0x30 + UInt8(truncatingIfNeeded: v % 10)
        }
        o[0] = 0x22
        two(1, year / 100)
        two(3, year % 100)
        o[5] = 0x2D  // -
        two(6, Int(parts.tm_mon) + 1)
        o[8] = 0x2D
        two(9, Int(parts.tm_mday))
        o[11] = 0x54  // T
        two(12, Int(parts.tm_hour))
        o[14] = 0x3A  // :
        two(15, Int(parts.tm_min))
        o[17] = 0x3A
        two(18, Int(parts.tm_sec))
        o[20] = 0x2E  // .
        o[21] = 0x30 + UInt8(truncatingIfNeeded: ms / 100)
        two(22, ms % 100)
        // +08:00"
        o[24] = 0x2B; o[25] = 0x30; o[26] = 0x38; o[27] = 0x3A; o[28] = 0x30; o[29] = 0x30
        o[30] = 0x22
        count += 31
        return true
    }

    /// The RFC 3339 text FastJSON writes for `date` (no quotes), or nil.
    static func rfc3339(_ date: Date) -> String? {
        let w = FastJSONWriter(dictionaryKeyID: nil, capacity: 32)
        guard w.writeDate(date) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: w.out + 1, count: w.count - 2), as: UTF8.self)
    }
}

/// Receives the standard library's shortest round-trip digits for a float without making a
/// `String` (`_writeASCII` is `TextOutputStream`'s hook for ASCII output).
struct FastJSONNumberSink: TextOutputStream {
    let writer: FastJSONWriter

    mutating func write(_ string: String) {
        writer.writeRaw(string)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        writer.put(buffer)
    }
}

/// The thread-local slot of `FastJSONWriter.acquire`/`recycle`.
let fastJSONWriterKey: pthread_key_t = {
    var key = pthread_key_t()
    #if canImport(Glibc)
    let status = pthread_key_create(&key) { spare in
        if let spare { Unmanaged<FastJSONWriter>.fromOpaque(spare).release() }
    }
    #else
    let status = pthread_key_create(&key) { spare in
        Unmanaged<FastJSONWriter>.fromOpaque(spare).release()
    }
    #endif
    precondition(status == 0, "pthread_key_create failed")
    return key
}()
