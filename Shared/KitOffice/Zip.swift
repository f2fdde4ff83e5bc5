import CZlib
import Foundation

/// Limits for reading an untrusted zip. The declared (central directory) uncompressed sizes are checked
/// against them before anything is inflated, and inflation stops at the declared size, so the memory an
/// archive can make us use is bounded by `maxTotalBytes` whatever its headers claim.
public struct ZipLimits: Sendable {
    public var maxEntries: Int
    /// Sum of the uncompressed sizes of all entries.
    public var maxTotalBytes: Int
    /// Largest allowed uncompressed/compressed ratio of one entry...
    public var maxRatio: Int
    /// ...checked for entries larger than this (small, very regular XML parts compress well).
    public var ratioCheckAbove: Int

    public init(maxEntries: Int = 10_000, maxTotalBytes: Int = 100 << 20, maxRatio: Int = 200,
                ratioCheckAbove: Int = 1 << 20) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
        self.ratioCheckAbove = ratioCheckAbove
    }
}

/// One file of the archive, as its central directory describes it.
public struct ZipEntry: Sendable, Equatable {
    public let name: String
    public let method: UInt16
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: Int
    public let uncompressedSize: Int
    let localHeaderOffset: Int
}

/// Little-endian reads with bounds checks (a failed read throws `zipCorrupt`).
struct ByteReader {
    let bytes: [UInt8]
    func u16(_ at: Int) throws -> UInt16 {
        guard at >= 0, let end = Self.add(at, 2), end <= bytes.count else { throw OfficeError.zipCorrupt("越界") }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }
    func u32(_ at: Int) throws -> UInt32 {
        guard at >= 0, let end = Self.add(at, 4), end <= bytes.count else { throw OfficeError.zipCorrupt("越界") }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
    static func add(_ a: Int, _ b: Int) -> Int? {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? nil : r
    }
}

/// A zip archive read through its central directory (never the local headers' sizes: LibreOffice writes
/// data descriptors). Stored and deflated entries only; refuses encrypted entries, unsafe names (`..`,
/// absolute, backslash, drive letters, control characters), duplicate names (ASCII case-insensitive, as
/// OPC part names compare), ZIP64, multi-disk archives, more entries than the limit, and bombs.
public struct ZipArchive: Sendable {
    public let entries: [ZipEntry]
    private let bytes: [UInt8]
    private let index: [String: Int]

    static let eocdSignature: UInt32 = 0x0605_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    public init(_ data: Data, limits: ZipLimits = ZipLimits()) throws {
        try self.init(bytes: [UInt8](data), limits: limits)
    }

    public init(bytes: [UInt8], limits: ZipLimits = ZipLimits()) throws {
        self.bytes = bytes
        let r = ByteReader(bytes: bytes)
        let n = bytes.count
        guard n >= 22 else { throw OfficeError.zipCorrupt("文件过短") }
        // End of central directory: the last signature whose comment reaches exactly the end of the file.
        var eocd = -1
        var at = n - 22
        let lowest = max(0, n - 22 - 0xFFFF)
        while at >= lowest {
            if bytes[at] == 0x50, bytes[at + 1] == 0x4B, bytes[at + 2] == 0x05, bytes[at + 3] == 0x06,
               at + 22 + Int(try r.u16(at + 20)) == n {
                eocd = at
                break
            }
            at -= 1
        }
        guard eocd >= 0 else { throw OfficeError.zipCorrupt("找不到中央目录") }
        if eocd >= 20, try r.u32(eocd - 20) == Self.zip64LocatorSignature { throw OfficeError.zip64Unsupported }
        let disk = try r.u16(eocd + 4), cdDisk = try r.u16(eocd + 6)
        let onDisk = try r.u16(eocd + 8), total = try r.u16(eocd + 10)
        let cdSize = try r.u32(eocd + 12), cdOffset = try r.u32(eocd + 16)
        if total == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF { throw OfficeError.zip64Unsupported }
        guard disk == 0, cdDisk == 0, onDisk == total else { throw OfficeError.zipCorrupt("不支持分卷压缩") }
        guard Int(total) <= limits.maxEntries else { throw OfficeError.zipTooManyEntries(limit: limits.maxEntries) }
        guard let cdEnd = ByteReader.add(Int(cdOffset), Int(cdSize)), cdEnd <= eocd else {
            throw OfficeError.zipCorrupt("中央目录越界")
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(total))
        var index: [String: Int] = [:]
        var seen = Set<String>()
        var totalBytes = 0
        var p = Int(cdOffset)
        for _ in 0..<Int(total) {
            guard try r.u32(p) == Self.centralSignature else { throw OfficeError.zipCorrupt("中央目录项无效") }
            let flags = try r.u16(p + 8), method = try r.u16(p + 10)
            let crc = try r.u32(p + 16), csize = try r.u32(p + 20), usize = try r.u32(p + 24)
            let nameLen = Int(try r.u16(p + 28)), extraLen = Int(try r.u16(p + 30)), commentLen = Int(try r.u16(p + 32))
            let startDisk = try r.u16(p + 34)
            let localOffset = try r.u32(p + 42)
            let nameStart = p + 46
            guard let next = ByteReader.add(nameStart, nameLen + extraLen + commentLen), next <= cdEnd else {
                throw OfficeError.zipCorrupt("中央目录项越界")
            }
            guard let name = String(validating: bytes[nameStart..<(nameStart + nameLen)], as: UTF8.self) else {
                throw OfficeError.zipUnsafeName("<非 UTF-8 文件名>")
            }
            if csize == 0xFFFF_FFFF || usize == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF || startDisk == 0xFFFF {
                throw OfficeError.zip64Unsupported
            }
            guard startDisk == 0 else { throw OfficeError.zipCorrupt("不支持分卷压缩") }
            if flags & 0x1 != 0 || flags & 0x40 != 0 || method == 99 { throw OfficeError.zipEncrypted(name) }
            guard method == 0 || method == 8 else { throw OfficeError.zipUnsupportedMethod(Int(method)) }
            guard Self.isSafe(name) else { throw OfficeError.zipUnsafeName(name) }
            let key = name.lowercased()
            guard seen.insert(key).inserted else { throw OfficeError.zipDuplicateName(name) }
            let u = Int(usize), c = Int(csize)
            if method == 0 && u != c { throw OfficeError.zipCorrupt("存储项大小不一致") }
            guard let sum = ByteReader.add(totalBytes, u), sum <= limits.maxTotalBytes else {
                throw OfficeError.zipBomb(name)
            }
            totalBytes = sum
            if u > limits.ratioCheckAbove {
                let (bound, overflow) = c.multipliedReportingOverflow(by: max(1, limits.maxRatio))
                if overflow == false && u > bound { throw OfficeError.zipBomb(name) }
            }
            if !name.hasSuffix("/") { index[key] = entries.count }
            entries.append(ZipEntry(name: name, method: method, flags: flags, crc32: crc, compressedSize: c,
                                    uncompressedSize: u, localHeaderOffset: Int(localOffset)))
            p = next
        }
        self.entries = entries
        self.index = index
    }

    /// A name is safe when it is relative, has no `..`/`.` or empty component (a trailing `/` marks a
    /// directory), no backslash, no drive colon and no control characters.
    static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/") else { return false }
        for s in name.unicodeScalars where s.value < 0x20 || s == "\\" || s == ":" || s.value == 0x7F { return false }
        var parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if name.hasSuffix("/") { parts.removeLast() }
        for part in parts where part.isEmpty || part == ".." || part == "." { return false }
        return true
    }

    public var names: [String] { entries.map(\.name) }

    /// The entry called `name` (ASCII case-insensitive), if any.
    public func entry(_ name: String) -> ZipEntry? {
        index[name.lowercased()].map { entries[$0] }
    }

    /// The uncompressed bytes of `name` (nil when absent), CRC-checked.
    public func read(_ name: String) throws -> [UInt8]? {
        guard let e = entry(name) else { return nil }
        return try read(e)
    }

    public func read(_ e: ZipEntry) throws -> [UInt8] {
        let r = ByteReader(bytes: bytes)
        let lh = e.localHeaderOffset
        guard try r.u32(lh) == Self.localSignature else { throw OfficeError.zipCorrupt("本地文件头无效") }
        let nameLen = Int(try r.u16(lh + 26)), extraLen = Int(try r.u16(lh + 28))
        guard let start = ByteReader.add(lh, 30 + nameLen + extraLen),
              let end = ByteReader.add(start, e.compressedSize), end <= bytes.count else {
            throw OfficeError.zipCorrupt("数据越界")
        }
        let out: [UInt8]
        if e.method == 0 {
            out = Array(bytes[start..<end])
        } else {
            out = try Self.inflateRaw(bytes, range: start..<end, expected: e.uncompressedSize, name: e.name)
        }
        guard Self.crc32(out) == e.crc32 else { throw OfficeError.zipCRCMismatch(e.name) }
        return out
    }

    public func readText(_ name: String) throws -> String? {
        try read(name).map { String(decoding: $0, as: UTF8.self) }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        bytes.withUnsafeBufferPointer { p in
            var offset = 0
            while offset < p.count {
                let n = min(p.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, p.baseAddress! + offset, uInt(n))
                offset += n
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// Raw deflate into a buffer of exactly `expected` bytes (+1 to notice more): anything but a complete
    /// stream of exactly that size is refused.
    static func inflateRaw(_ bytes: [UInt8], range: Range<Int>, expected: Int, name: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw OfficeError.zipCorrupt("zlib")
        }
        defer { inflateEnd(&stream) }
        guard range.count <= Int(UInt32.max), expected < Int(UInt32.max) else { throw OfficeError.zip64Unsupported }
        var out = [UInt8](repeating: 0, count: expected + 1)
        var result: Int32 = Z_OK
        let produced: Int = bytes.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { outp in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress! + range.lowerBound)
                stream.avail_in = uInt(range.count)
                stream.next_out = outp.baseAddress
                stream.avail_out = uInt(outp.count)
                repeat {
                    result = CZlib.inflate(&stream, Z_FINISH)
                } while result == Z_OK && stream.avail_out > 0 && stream.avail_in > 0
                return outp.count - Int(stream.avail_out)
            }
        }
        guard result == Z_STREAM_END, produced == expected else {
            if produced > expected { throw OfficeError.zipBomb(name) }
            throw OfficeError.zipCorrupt("解压失败")
        }
        out.removeLast()
        return out
    }
}

/// Writes a zip (deflated entries, sizes in the local headers, no data descriptors, fixed 1980-01-01
/// timestamps so output is reproducible).
public struct ZipWriter {
    private var body: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    public init() {}

    /// Adds an entry; refuses (`zip64Unsupported`) what the classic format cannot hold: more than 65,534
    /// entries (65,535 marks ZIP64, which the reader refuses), 4 GiB per entry or archive, names over 65,535 bytes.
    public mutating func add(_ name: String, _ content: [UInt8], deflate: Bool = true) throws {
        guard count < 0xFFFE, content.count < 0xFFFF_FFFF, name.utf8.count <= 0xFFFF,
              body.count < 0xFFFF_FFFF - content.count - 0xFFFF - 30 else { throw OfficeError.zip64Unsupported }
        let crc = ZipArchive.crc32(content)
        var data = content
        var method: UInt16 = 0
        if deflate, let d = Self.deflateRaw(content), d.count < content.count {
            data = d
            method = 8
        }
        let nameBytes = Array(name.utf8)
        let offset = body.count
        func header(_ out: inout [UInt8], central: Bool) {
            out.u32(central ? ZipArchive.centralSignature : ZipArchive.localSignature)
            if central { out.u16(20) }          // made by
            out.u16(20)                          // needed
            out.u16(0x0800)                      // UTF-8 names
            out.u16(method)
            out.u16(0); out.u16(0x21)            // 00:00, 1980-01-01
            out.u32(crc)
            out.u32(UInt32(data.count)); out.u32(UInt32(content.count))
            out.u16(UInt16(nameBytes.count)); out.u16(0)
            if central {
                out.u16(0); out.u16(0); out.u16(0); out.u32(0)
                out.u32(UInt32(offset))
            }
            out.append(contentsOf: nameBytes)
        }
        header(&body, central: false)
        body.append(contentsOf: data)
        header(&central, central: true)
        count += 1
    }

    public func finish() throws -> [UInt8] {
        guard body.count < 0xFFFF_FFFF, central.count < 0xFFFF_FFFF - body.count else { throw OfficeError.zip64Unsupported }
        var out = body
        out.append(contentsOf: central)
        out.u32(ZipArchive.eocdSignature)
        out.u16(0); out.u16(0)
        out.u16(UInt16(count)); out.u16(UInt16(count))
        out.u32(UInt32(central.count)); out.u32(UInt32(body.count))
        out.u16(0)
        return out
    }

    static func deflateRaw(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var out = [UInt8](repeating: 0, count: bound + 16)
        var result: Int32 = Z_OK
        let produced: Int = input.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { outp in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
                stream.avail_in = uInt(inp.count)
                stream.next_out = outp.baseAddress
                stream.avail_out = uInt(outp.count)
                result = CZlib.deflate(&stream, Z_FINISH)
                return outp.count - Int(stream.avail_out)
            }
        }
        guard result == Z_STREAM_END else { return nil }
        return Array(out[0..<produced])
    }
}

extension Array where Element == UInt8 {
    mutating func u16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) {
        append(UInt8(v & 0xFF)); append(UInt8((v >> 8) & 0xFF)); append(UInt8((v >> 16) & 0xFF)); append(UInt8(v >> 24))
    }
}
