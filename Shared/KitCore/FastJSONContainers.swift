import Foundation

/// The `Encoder` handed to `encode(to:)`: the writer plus the level (slot) it encodes into.
/// Small enough (20 bytes) to sit in an existential without an allocation.
struct FastJSONEncoderImpl: Encoder {
    let writer: FastJSONWriter
    let depth: Int
    let id: UInt32

    var codingPath: [any CodingKey] { writer.codingPath(depth: depth) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let w = writer
        if w.probing, w.probedKeyID == nil { w.probedKeyID = ObjectIdentifier(Key.self) }
        guard w.resync(id: id, depth: depth) else {
            return KeyedEncodingContainer(FastJSONKeyedContainer<Key>(writer: w, depth: depth, id: 0))
        }
        switch w.topState {
        case .empty:
            w.put(0x7B)
            if let dict = w.dictionaryKeyID, dict == ObjectIdentifier(Key.self) {
                w.topState = .sortedObject
                w.topEntryBase = w.entries.count
            } else {
                w.topState = .object
            }
        case .object, .sortedObject:
            break  // asked again: carry on with the same object, like JSONEncoder
        case .array, .single:
            _ = w.misuse("Attempt to push new keyed encoding container when already previously encoded at this path.",
                         value: Key.self, depth: depth)
            return KeyedEncodingContainer(FastJSONKeyedContainer<Key>(writer: w, depth: depth, id: 0))
        }
        return KeyedEncodingContainer(FastJSONKeyedContainer<Key>(writer: w, depth: depth, id: id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return FastJSONUnkeyedContainer(writer: w, depth: depth, id: 0)
        }
        switch w.topState {
        case .empty:
            w.put(0x5B)
            w.topState = .array
        case .array:
            break
        case .object, .sortedObject, .single:
            _ = w.misuse("Attempt to push new unkeyed encoding container when already previously encoded at this path.",
                         value: [Any](), depth: depth)
            return FastJSONUnkeyedContainer(writer: w, depth: depth, id: 0)
        }
        return FastJSONUnkeyedContainer(writer: w, depth: depth, id: id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        FastJSONSingleValueContainer(writer: writer, depth: depth, id: id)
    }
}

// MARK: - Keyed

struct FastJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: FastJSONWriter
    let depth: Int
    let id: UInt32

    var codingPath: [any CodingKey] { writer.codingPath(depth: depth) }

    /// Makes our object the top level and writes `,"key":`.
    @inline(__always)
    private func begin(_ key: Key) throws {
        try writer.enter(id: id, depth: depth)
        writer.writeKey(key.stringValue)
    }

    private func floatError<F: BinaryFloatingPoint>(_ value: F, _ key: Key) -> EncodingError {
        writer.invalidFloat(value, key: .key(key))
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(key); writer.writeNull() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); writer.writeBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); writer.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        guard value.isFinite else { try writer.enter(id: id, depth: depth); throw floatError(value, key) }
        try begin(key)
        _ = writer.writeDouble(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        guard value.isFinite else { try writer.enter(id: id, depth: depth); throw floatError(value, key) }
        try begin(key)
        _ = writer.writeFloat(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); writer.writeInteger(value) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128, forKey key: Key) throws { try begin(key); writer.writeRaw(value.description) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128, forKey key: Key) throws { try begin(key); writer.writeRaw(value.description) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try writer.enter(id: id, depth: depth)
        if T.self == Double.self {
            let v = unsafeBitCast(value, to: Double.self)
            if !v.isFinite { throw floatError(v, key) }
        } else if T.self == Float.self {
            let v = unsafeBitCast(value, to: Float.self)
            if !v.isFinite { throw floatError(v, key) }
        }
        writer.writeKey(key.stringValue)
        try writer.encodeNested(value, key: .key(key))
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { if let value { try encode(value, forKey: key) } }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                       forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(writer: w, depth: depth + 1, id: 0))
        }
        w.writeKey(key.stringValue)
        w.put(0x7B)
        let nested = w.push(.object, key: .key(key))
        return KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(writer: w, depth: depth + 1, id: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return FastJSONUnkeyedContainer(writer: w, depth: depth + 1, id: 0)
        }
        w.writeKey(key.stringValue)
        w.put(0x5B)
        let nested = w.push(.array, key: .key(key))
        return FastJSONUnkeyedContainer(writer: w, depth: depth + 1, id: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return FastJSONEncoderImpl(writer: w, depth: depth + 1, id: 0)
        }
        w.writeKey("super")
        let slot = w.push(.empty, key: .superKey)
        return FastJSONEncoderImpl(writer: w, depth: depth + 1, id: slot)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return FastJSONEncoderImpl(writer: w, depth: depth + 1, id: 0)
        }
        w.writeKey(key.stringValue)
        let slot = w.push(.empty, key: .key(key))
        return FastJSONEncoderImpl(writer: w, depth: depth + 1, id: slot)
    }
}

// MARK: - Unkeyed

struct FastJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: FastJSONWriter
    let depth: Int
    let id: UInt32

    var codingPath: [any CodingKey] { writer.codingPath(depth: depth) }

    var count: Int {
        if id == writer.topID { return writer.topCount }
        if id != 0, depth < writer.levels.count, writer.levels[depth].id == id { return writer.levels[depth].count }
        return 0
    }

    /// Makes our array the top level and writes the separator.
    @inline(__always)
    private func begin() throws {
        try writer.enter(id: id, depth: depth)
        writer.writeElementSeparator()
    }

    private func floatError<F: BinaryFloatingPoint>(_ value: F) -> EncodingError {
        writer.invalidFloat(value, key: .index(writer.topCount))
    }

    mutating func encodeNil() throws { try begin(); writer.writeNull() }
    mutating func encode(_ value: Bool) throws { try begin(); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { try begin(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else { try writer.enter(id: id, depth: depth); throw floatError(value) }
        try begin()
        _ = writer.writeDouble(value)
    }
    mutating func encode(_ value: Float) throws {
        guard value.isFinite else { try writer.enter(id: id, depth: depth); throw floatError(value) }
        try begin()
        _ = writer.writeFloat(value)
    }
    mutating func encode(_ value: Int) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try begin(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try begin(); writer.writeInteger(value) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { try begin(); writer.writeRaw(value.description) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { try begin(); writer.writeRaw(value.description) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.enter(id: id, depth: depth)
        if T.self == Double.self {
            let v = unsafeBitCast(value, to: Double.self)
            if !v.isFinite { throw floatError(v) }
        } else if T.self == Float.self {
            let v = unsafeBitCast(value, to: Float.self)
            if !v.isFinite { throw floatError(v) }
        }
        writer.writeElementSeparator()
        try writer.encodeNested(value, key: .index(writer.topCount - 1))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(writer: w, depth: depth + 1, id: 0))
        }
        w.writeElementSeparator()
        w.put(0x7B)
        let nested = w.push(.object, key: .index(w.topCount - 1))
        return KeyedEncodingContainer(FastJSONKeyedContainer<NestedKey>(writer: w, depth: depth + 1, id: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return FastJSONUnkeyedContainer(writer: w, depth: depth + 1, id: 0)
        }
        w.writeElementSeparator()
        w.put(0x5B)
        let nested = w.push(.array, key: .index(w.topCount - 1))
        return FastJSONUnkeyedContainer(writer: w, depth: depth + 1, id: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let w = writer
        guard w.resync(id: id, depth: depth) else {
            return FastJSONEncoderImpl(writer: w, depth: depth + 1, id: 0)
        }
        w.writeElementSeparator()
        let slot = w.push(.empty, key: .index(w.topCount - 1))
        return FastJSONEncoderImpl(writer: w, depth: depth + 1, id: slot)
    }
}

// MARK: - Single value

struct FastJSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: FastJSONWriter
    let depth: Int
    let id: UInt32

    var codingPath: [any CodingKey] { writer.codingPath(depth: depth) }

    /// Makes our slot the top level and checks it is still empty.
    @inline(__always)
    private func begin(_ value: @autoclosure () -> Any) throws {
        try writer.enter(id: id, depth: depth)
        guard writer.topState == .empty else {
            throw writer.misuse("Attempt to encode value through single value container when previously value already encoded.",
                                value: value(), depth: depth)
        }
        writer.topState = .single
    }

    private func floatError<F: BinaryFloatingPoint>(_ value: F) throws -> EncodingError {
        try writer.enter(id: id, depth: depth)
        return writer.invalidFloat(value, key: .root)
    }

    mutating func encodeNil() throws { try begin(Optional<Int>.none as Any); writer.writeNull() }
    mutating func encode(_ value: Bool) throws { try begin(value); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { try begin(value); writer.writeString(value) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else { throw try floatError(value) }
        try begin(value)
        _ = writer.writeDouble(value)
    }
    mutating func encode(_ value: Float) throws {
        guard value.isFinite else { throw try floatError(value) }
        try begin(value)
        _ = writer.writeFloat(value)
    }
    mutating func encode(_ value: Int) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try begin(value); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try begin(value); writer.writeInteger(value) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: Int128) throws { try begin(value); writer.writeRaw(value.description) }
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func encode(_ value: UInt128) throws { try begin(value); writer.writeRaw(value.description) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.enter(id: id, depth: depth)
        guard writer.topState == .empty else {
            throw writer.misuse("Attempt to encode value through single value container when previously value already encoded.",
                                value: value, depth: depth)
        }
        if try writer.writeSpecial(value, key: .root) {
            writer.topState = .single
            return
        }
        // Encode the value into this same slot (JSONEncoder does the same).
        do {
            try value.encode(to: FastJSONEncoderImpl(writer: writer, depth: depth, id: id))
        } catch {
            writer.errorThrown = true
            throw error
        }
        guard writer.resync(id: id, depth: depth) else {
            writer.errorThrown = true
            throw FastJSONFallback()
        }
        if writer.topState == .empty { writer.topState = .single; writer.put(0x7B); writer.put(0x7D) }
    }
}
