import Foundation
import XCTest

/// Deterministic random source for the captcha tests (SplitMix64).
final class SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    func callAsFunction(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (count + 7) / 8 * 8)
        out.withUnsafeMutableBytes { raw in
            for i in stride(from: 0, to: raw.count, by: 8) {
                raw.storeBytes(of: next().littleEndian, toByteOffset: i, as: UInt64.self)
            }
        }
        out.removeLast(out.count - count)
        return out
    }
}

enum TestSupport {
    /// Tests/KitMediaTests/Fixtures
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func sample(_ name: String) throws -> [UInt8] {
        let url = fixtures.appendingPathComponent("samples").appendingPathComponent(name)
        return [UInt8](try Data(contentsOf: url))
    }

    static func samplePath(_ name: String) -> String {
        fixtures.appendingPathComponent("samples").appendingPathComponent(name).path
    }

    static func tempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kitmedia-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    /// Full path of an executable on PATH, or nil.
    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct ProcessResult { let status: Int32; let stdout: String; let stderr: String; let stdoutBytes: [UInt8] }

    static func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // stderr goes to a file so that a chatty child can never block on a full pipe.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("kitmedia-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin))
            try input.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self),
                             stdoutBytes: [UInt8](outData))
    }

    /// python3 on PATH, or XCTSkip.
    static func python() throws -> String {
        guard let python = which("python3") else { throw XCTSkip("python3 is not installed") }
        return python
    }

    /// The real ImageMagick `identify` (not a stand-in), or nil.
    static func imageMagick(_ tool: String) -> String? {
        for candidate in ["/usr/bin/\(tool)", which(tool)].compactMap({ $0 }) {
            if let r = try? run(candidate, ["-version"]), r.status == 0, r.stdout.hasPrefix("Version: ImageMagick") { return candidate }
        }
        return nil
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        return c
    }

    /// CRC-32 (IEEE, reflected polynomial 0xEDB88320) computed independently of zlib.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        crcTable.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
            return ~crc
        }
    }

    static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func be32Bytes(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    /// A PNG chunk with a correct CRC.
    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let td = Array(type.utf8) + data
        return be32Bytes(UInt32(data.count)) + td + be32Bytes(crc32(td))
    }

    struct PNGChunk { let type: String; let data: [UInt8]; let crcOK: Bool }

    /// Splits a PNG into chunks (signature checked), verifying every CRC with `crc32` above.
    static func pngChunks(_ png: [UInt8]) -> [PNGChunk]? {
        guard png.count >= 8, Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        var chunks: [PNGChunk] = []
        var pos = 8
        while pos + 12 <= png.count {
            let length = Int(be32(png, pos))
            guard pos + 12 + length <= png.count else { return nil }
            let type = String(decoding: png[(pos + 4)..<(pos + 8)], as: UTF8.self)
            let data = Array(png[(pos + 8)..<(pos + 8 + length)])
            let crc = be32(png, pos + 8 + length)
            chunks.append(PNGChunk(type: type, data: data, crcOK: crc == crc32(png[(pos + 4)..<(pos + 8 + length)])))
            pos += 12 + length
        }
        return pos == png.count ? chunks : nil
    }
}
