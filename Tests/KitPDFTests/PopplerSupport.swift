import Foundation
import XCTest
import KitPDF

/// Test helpers: the CJK font and the poppler command-line tools as an independent PDF reader.
enum TestFont {
    static let path = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

    static func load() throws -> TrueTypeFont {
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("fonts-wqy-zenhei not installed") }
        return try TrueTypeFont.cached(path: path, faceIndex: 0)
    }
}

enum Poppler {
    static func tool(_ name: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in dirs + ["/usr/bin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        // The test command installs every reader these tests use: a missing one is a failure, never a skip.
        let package = name == "gs" ? "ghostscript" : "poppler-utils"
        struct MissingTool: Error, CustomStringConvertible { let description: String }
        throw MissingTool(description: "\(name) not installed (Debian package \(package); scripts/test installs it)")
    }

    /// Runs a tool and returns stdout + stderr (exit codes are not trusted by the tests).
    @discardableResult
    static func run(_ name: String, _ arguments: [String]) throws -> (stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try tool(name))
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (stdout, String(decoding: stderr, as: UTF8.self))
    }

    /// Writes the PDF to a temporary file for the duration of `body`.
    static func withFile<T>(_ pdf: [UInt8], _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kitpdf-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    static func text(_ pdf: [UInt8]) throws -> String {
        try withFile(pdf) { String(decoding: try run("pdftotext", ["-layout", "-enc", "UTF-8", $0, "-"]).stdout, as: UTF8.self) }
    }

    static func info(_ pdf: [UInt8]) throws -> String {
        try withFile(pdf) { String(decoding: try run("pdfinfo", ["-enc", "UTF-8", $0]).stdout, as: UTF8.self) }
    }

    static func pageCount(_ pdf: [UInt8]) throws -> Int? {
        for line in try info(pdf).split(separator: "\n") where line.hasPrefix("Pages:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func fonts(_ pdf: [UInt8]) throws -> String {
        try withFile(pdf) { String(decoding: try run("pdffonts", [$0]).stdout, as: UTF8.self) }
    }

    /// Errors and warnings poppler prints while rendering/extracting (syntax errors, bad fonts).
    static func diagnostics(_ pdf: [UInt8]) throws -> String {
        try withFile(pdf) { path in
            try run("pdftotext", [path, "/dev/null"]).stderr + (try run("pdffonts", [path]).stderr)
        }
    }

    struct GrayImage {
        var width: Int, height: Int, maxValue: Int
        var pixels: [UInt8]
        func darkPixelCount(threshold: Int = 128) -> Int { pixels.reduce(0) { $0 + (Int($1) < threshold ? 1 : 0) } }
        /// Dark pixels within a horizontal band (fractions of the height).
        func darkPixels(rows: ClosedRange<Double>, threshold: Int = 128) -> Int {
            let r0 = Int(rows.lowerBound * Double(height)), r1 = min(height - 1, Int(rows.upperBound * Double(height)))
            var n = 0
            for r in r0...r1 { for c in 0..<width where Int(pixels[r * width + c]) < threshold { n += 1 } }
            return n
        }
    }

    /// Renders one page to a gray image (`pdftoppm -gray`, PGM) at `dpi`.
    static func renderGray(_ pdf: [UInt8], page: Int = 1, dpi: Int = 50) throws -> GrayImage {
        let data = try withFile(pdf) {
            try run("pdftoppm", ["-gray", "-r", "\(dpi)", "-f", "\(page)", "-l", "\(page)", $0]).stdout
        }
        return try parsePGM([UInt8](data))
    }

    static func parsePGM(_ bytes: [UInt8]) throws -> GrayImage {
        var i = 0
        func token() -> String {
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "#") { while i < bytes.count, bytes[i] != 0x0A { i += 1 } }
                else if bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
                else { break }
            }
            let start = i
            while i < bytes.count, ![0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }
        guard token() == "P5", let w = Int(token()), let h = Int(token()), let maxValue = Int(token()), maxValue < 256 else {
            throw NSError(domain: "PGM", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a P5 PGM (\(bytes.count) bytes)"])
        }
        i += 1
        guard bytes.count >= i + w * h else { throw NSError(domain: "PGM", code: 2) }
        return GrayImage(width: w, height: h, maxValue: maxValue, pixels: Array(bytes[i..<(i + w * h)]))
    }

    /// Removes all whitespace, so assertions survive poppler's layout spacing between CJK glyphs.
    static func compact(_ s: String) -> String { String(s.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init)) }
}
