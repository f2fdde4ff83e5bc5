import Foundation

/// Decides a file's type from its bytes only (never its name or the client's Content-Type):
/// a signature at offset 0 and a structural check of that format, then — for images — a polyglot check.
///
/// Structure checks:
/// - PDF: `%PDF-1.0` … `%PDF-1.7` or `%PDF-2.0` at offset 0; `%%EOF` within the last 1024 bytes
///   (missing → `.truncated`); a `startxref` before that `%%EOF` followed by a decimal offset inside the file
///   (at most 19 digits, accumulated with overflow checks: a huge number is `.malformed`, never a trap).
/// - JPEG: `FF D8 FF`; the marker segments are walked (lengths must stay inside the file) up to the first SOS,
///   and an SOFn with a non-zero width and height must come before it (height 0 — "defined later by a DNL
///   marker" — is refused: the pixel count could not be bounded before decoding); the file must end with `FF D9`,
///   optionally followed by zero bytes only (`FF D9` elsewhere after SOS → `.malformed` "data after end of image", none → `.truncated`).
///   Note: phone photos that append data after EOI (Samsung trailers, Motion Photos) are rejected by this rule.
/// - PNG: 8-byte signature; first chunk IHDR, length 13, valid CRC, width and height 1...65535, a legal
///   bit depth / colour type pair, methods 0; the chunk list is walked to IEND (length 0, correct CRC) with at
///   least one IDAT before it and nothing after it.
/// - GIF: `GIF87a`/`GIF89a`, logical screen descriptor with non-zero size, colour tables, then every block
///   (image descriptors with their LZW sub-blocks, extensions) is walked to the 0x3B trailer, which must be the
///   last byte; at least one image.
/// - BMP: `BM`; the file-size field must equal the real size (larger → `.truncated`, smaller → `.malformed`);
///   DIB header size in {12, 40, 52, 56, 108, 124}; pixel-data offset after the headers and inside the file;
///   planes = 1, a known bit count, non-zero dimensions; uncompressed pixel rows must fit in the file.
///
/// Decompression bombs: an image whose width × height (checked multiply) exceeds `maxImagePixels` is `.tooManyPixels`
/// (JPEG every SOFn, PNG IHDR, GIF logical screen and every image descriptor, BMP). A few hundred bytes can
/// otherwise declare gigapixels that a thumbnailer or viewer would try to allocate.
///
/// PDF polyglot checks (a PDF may legitimately embed scripts, images and attachments, so its body is not scanned
/// for markup):
/// - nothing but PDF white space (NUL, TAB, LF, FF, CR, SP) after the last `%%EOF` — anything else (a ZIP, an HTML
///   page, a second file appended) is `.polyglot`; incremental updates end with their own `%%EOF` and pass;
/// - a ZIP archive readable by unzip: an end-of-central-directory record `PK\5\6` within the last 65,557 bytes
///   (where unzip looks for it, the archive comment hiding the PDF trailer) AND a central-directory `PK\1\2`
///   AND a local file header `PK\3\4` anywhere. Random compressed stream data hits all three with a chance of
///   about 10⁻¹⁰ for a 10 MiB PDF; an uncompressed ZIP attachment near the end of a PDF is refused too (documented).
///
/// Image polyglot checks:
/// - `%PDF-` within the first 1024 bytes (PDF readers look for the header that far);
/// - a ZIP archive: a local file header `PK\3\4` anywhere AND a central-directory `PK\1\2` or end-of-central-directory
///   `PK\5\6` record anywhere (requiring two signatures keeps the chance of a false hit in compressed pixel data
///   around 10⁻¹² per MiB instead of 10⁻⁴ for `PK\3\4` alone);
/// - a `<script` tag (ASCII case-insensitive, followed by white space, `>` or `/`) anywhere;
/// - `<?php` followed by white space (case-insensitive) anywhere (PHP needs the white space; requiring it keeps
///   random hits out of compressed data);
/// - HTML markup that browsers sniff — `<!doctype html`, and the tags `<html`, `<head`, `<body`, `<iframe`, `<svg`
///   followed by white space, `>` or `/` — within the first 1024 bytes. XMP metadata (`<x:xmpmeta`, `<?xpacket`,
///   `<rdf:…>`, `<photoshop:Headline>`) does not match.
/// A file whose bytes hide such content beyond these rules (e.g. HTML without `<script` after byte 1024) is accepted:
/// serve uploads with their sniffed Content-Type, `X-Content-Type-Options: nosniff` and Content-Disposition.
public enum FileSniffer {
    /// Largest width or height accepted for an image (the 16-bit limit of JPEG and GIF).
    public static let maxImageDimension = 65_535

    /// Largest pixel count (width × height) accepted for an image: 50 megapixels. An A4 page scanned at 600 dpi
    /// is 4961 × 7016 ≈ 35 megapixels, so every real scan or phone photo passes; a header that declares more is a
    /// decompression bomb (a 60000 × 60000 JPEG would need 10 GiB once decoded).
    public static let maxImagePixels = 50_000_000

    /// Refuses `width × height` beyond `maxImagePixels` (multiplication checked: never traps).
    private static func checkPixels(_ width: Int, _ height: Int, _ kind: FileKind) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxImagePixels else {
            throw FileSniffError.tooManyPixels(kind, width: width, height: height)
        }
    }

    /// Type of an in-memory file.
    public static func detect(_ bytes: [UInt8]) throws -> FileKind {
        try detect(source: MemorySource(bytes: bytes))
    }

    /// Type of a regular file. Structure checks read only what they need (head, tail, chunk and segment headers,
    /// through a 64 KiB cache); the polyglot scan of images streams the file in 1 MiB windows, so memory use is
    /// bounded whatever the size. I/O failures throw `POSIXError` (a directory gives EISDIR, a FIFO EINVAL).
    public static func detect(fileAt path: String) throws -> FileKind {
        try detect(source: FileSource(path: path))
    }

    static func detect<S: SniffSource>(source: S) throws -> FileKind {
        guard source.count > 0 else { throw FileSniffError.empty }
        let head = try source.read(0, 16)
        let kind = try signature(head, count: source.count)
        switch kind {
        case .pdf: try checkPDF(source); try checkPDFPolyglot(source)
        case .jpeg: try checkPolyglot(source); try checkJPEG(source)
        case .png: try checkPolyglot(source); try checkPNG(source)
        case .gif: try checkPolyglot(source); try checkGIF(source)
        case .bmp: try checkPolyglot(source); try checkBMP(source)
        }
        return kind
    }

    // MARK: - Signatures

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let signatures: [(FileKind, [UInt8])] = [
        (.pdf, Array("%PDF-".utf8)),
        (.jpeg, [0xFF, 0xD8, 0xFF]),
        (.png, pngSignature),
        (.gif, Array("GIF87a".utf8)),
        (.gif, Array("GIF89a".utf8)),
        (.bmp, Array("BM".utf8)),
    ]

    private static func signature(_ head: [UInt8], count: Int) throws -> FileKind {
        for (kind, magic) in signatures where head.count >= magic.count && Array(head[0..<magic.count]) == magic {
            return kind
        }
        // A file shorter than a signature but equal to its first bytes was cut off.
        if head.count >= 2 {
            for (kind, magic) in signatures where head.count < magic.count && Array(magic[0..<head.count]) == head {
                throw FileSniffError.truncated(kind)
            }
        }
        throw FileSniffError.unknownType
    }

    // MARK: - PDF

    private static func checkPDF<S: SniffSource>(_ s: S) throws {
        let head = try s.read(0, 9)
        guard head.count >= 8 else { throw FileSniffError.truncated(.pdf) }
        let major = head[5], dot = head[6], minor = head[7]
        let versionOK = dot == UInt8(ascii: ".") &&
            ((major == UInt8(ascii: "1") && minor >= UInt8(ascii: "0") && minor <= UInt8(ascii: "7")) ||
             (major == UInt8(ascii: "2") && minor == UInt8(ascii: "0")))
        let nextIsDigit = head.count > 8 && (head[8] >= 0x30 && head[8] <= 0x39 || head[8] == UInt8(ascii: "."))
        guard versionOK && !nextIsDigit else {
            throw FileSniffError.malformed(.pdf, "unsupported header version")
        }
        let tailStart = max(0, s.count - 1024)
        let tail = try s.read(tailStart, 1024)
        guard let eofInTail = SniffSearch.lastIndex(of: Array("%%EOF".utf8), in: tail) else {
            throw FileSniffError.truncated(.pdf)
        }
        // startxref normally sits right before %%EOF; look in the 2 KiB before it.
        let eof = tailStart + eofInTail
        let windowStart = max(0, eof - 2048)
        let window = try s.read(windowStart, eof - windowStart)
        guard let sx = SniffSearch.lastIndex(of: Array("startxref".utf8), in: window) else {
            throw FileSniffError.malformed(.pdf, "missing startxref")
        }
        var i = sx + 9
        while i < window.count, [0x20, 0x0D, 0x0A, 0x09, 0x0C, 0x00].contains(window[i]) { i += 1 }
        // Checked accumulation: nineteen 9s overflow Int64 (the trap of a 50-byte upload); more than 19 digits
        // can never be an offset inside a file.
        var value = 0, digits = 0, overflow = false
        while i < window.count, window[i] >= 0x30, window[i] <= 0x39 {
            digits += 1; i += 1
            if digits > 19 { overflow = true; break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int(window[i - 1] &- 0x30))
            if o1 || o2 { overflow = true; break }
            value = next
        }
        guard digits > 0 else { throw FileSniffError.malformed(.pdf, "startxref without an offset") }
        guard !overflow, value < s.count else {
            throw FileSniffError.malformed(.pdf, "startxref offset beyond the end of the file")
        }
    }

    /// PDF white space (ISO 32000 §7.2.3): NUL, TAB, LF, FF, CR, SP.
    private static let pdfWhitespace: Set<UInt8> = [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20]

    private static func checkPDFPolyglot<S: SniffSource>(_ s: S) throws {
        // After the last %%EOF (which checkPDF found within the last 1024 bytes): white space only.
        let tailStart = max(0, s.count - 1024)
        let tail = try s.read(tailStart, 1024)
        if let eof = SniffSearch.lastIndex(of: Array("%%EOF".utf8), in: tail),
           tail[(eof + 5)...].contains(where: { !pdfWhitespace.contains($0) }) {
            throw FileSniffError.polyglot("data after the last %%EOF of the PDF")
        }
        // A ZIP archive that unzip would open: EOCD where unzip searches (22-byte record + 65,535-byte comment
        // from the end), plus a central directory and a local header anywhere.
        let zipTailStart = max(0, s.count - 65_557)
        guard try s.firstIndex(of: [0x50, 0x4B, 5, 6], from: zipTailStart) != nil else { return }
        guard try s.firstIndex(of: [0x50, 0x4B, 1, 2]) != nil, try s.firstIndex(of: [0x50, 0x4B, 3, 4]) != nil else { return }
        throw FileSniffError.polyglot("embedded ZIP archive")
    }

    // MARK: - JPEG

    private static func checkJPEG<S: SniffSource>(_ s: S) throws {
        var pos = 2
        var sawFrame = false
        var scanStart = -1
        walk: while true {
            guard let first = try s.byte(pos) else { throw FileSniffError.truncated(.jpeg) }
            guard first == 0xFF else {
                throw FileSniffError.malformed(.jpeg, "expected a marker at offset \(pos)")
            }
            // Fill bytes: any number of 0xFF before the marker code.
            var markerPos = pos + 1
            var marker: UInt8
            repeat {
                guard let m = try s.byte(markerPos) else { throw FileSniffError.truncated(.jpeg) }
                marker = m; markerPos += 1
            } while marker == 0xFF
            switch marker {
            case 0x00:
                throw FileSniffError.malformed(.jpeg, "invalid marker 0xFF00 at offset \(pos)")
            case 0xD8:
                throw FileSniffError.malformed(.jpeg, "second start-of-image marker")
            case 0xD9:
                throw FileSniffError.malformed(.jpeg, "end of image before any scan")
            case 0x01, 0xD0...0xD7:
                pos = markerPos
                continue walk
            default:
                break
            }
            guard let length = try s.be16(markerPos) else { throw FileSniffError.truncated(.jpeg) }
            guard length >= 2 else { throw FileSniffError.malformed(.jpeg, "segment length \(length) at offset \(pos)") }
            let end = markerPos + length
            guard end <= s.count else { throw FileSniffError.truncated(.jpeg) }
            switch marker {
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:  // SOFn
                let sof = try s.read(markerPos + 2, 6)
                guard length >= 8, sof.count == 6 else { throw FileSniffError.malformed(.jpeg, "short frame header") }
                let height = Int(sof[1]) << 8 | Int(sof[2])
                let width = Int(sof[3]) << 8 | Int(sof[4])
                guard width > 0, height > 0, sof[5] >= 1 else {
                    throw FileSniffError.malformed(.jpeg, "bad frame dimensions")
                }
                try checkPixels(width, height, .jpeg)
                sawFrame = true
            case 0xDA:  // SOS
                guard sawFrame else { throw FileSniffError.malformed(.jpeg, "scan before frame header") }
                scanStart = end
                break walk
            default:
                break
            }
            pos = end
        }
        // The end: FF D9, then zero padding only.
        var end = s.count
        while end > scanStart {
            let from = max(scanStart, end - 65_536)
            let block = try s.read(from, end - from)
            if let last = block.lastIndex(where: { $0 != 0 }) { end = from + last + 1; break }
            end = from
        }
        if end - 2 >= scanStart, try s.read(end - 2, 2) == [0xFF, 0xD9] { return }
        if try s.firstIndex(of: [0xFF, 0xD9], from: scanStart) != nil {
            throw FileSniffError.malformed(.jpeg, "data after the end-of-image marker")
        }
        throw FileSniffError.truncated(.jpeg)
    }

    // MARK: - PNG

    private static func checkPNG<S: SniffSource>(_ s: S) throws {
        let ihdr = try s.read(8, 25)  // length, type, 13 bytes of data, CRC
        guard ihdr.count == 25 else { throw FileSniffError.truncated(.png) }
        guard ihdr[0..<8].elementsEqual([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) else {
            throw FileSniffError.malformed(.png, "first chunk is not a 13-byte IHDR")
        }
        let storedCRC = UInt32(ihdr[21]) << 24 | UInt32(ihdr[22]) << 16 | UInt32(ihdr[23]) << 8 | UInt32(ihdr[24])
        guard PNGEncoder.crc32(Array(ihdr[4..<21])) == storedCRC else {
            throw FileSniffError.malformed(.png, "IHDR CRC mismatch")
        }
        let width = Int(ihdr[8]) << 24 | Int(ihdr[9]) << 16 | Int(ihdr[10]) << 8 | Int(ihdr[11])
        let height = Int(ihdr[12]) << 24 | Int(ihdr[13]) << 16 | Int(ihdr[14]) << 8 | Int(ihdr[15])
        guard (1...maxImageDimension).contains(width), (1...maxImageDimension).contains(height) else {
            throw FileSniffError.malformed(.png, "implausible dimensions \(width)x\(height)")
        }
        try checkPixels(width, height, .png)
        let depth = ihdr[16], colourType = ihdr[17]
        let allowed: [UInt8: [UInt8]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard allowed[colourType]?.contains(depth) == true else {
            throw FileSniffError.malformed(.png, "bit depth \(depth) with colour type \(colourType)")
        }
        guard ihdr[18] == 0, ihdr[19] == 0, ihdr[20] <= 1 else {
            throw FileSniffError.malformed(.png, "unknown compression, filter or interlace method")
        }
        var pos = 33
        var sawData = false
        while true {
            let header = try s.read(pos, 8)
            guard header.count == 8 else { throw FileSniffError.truncated(.png) }
            let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            guard length <= 0x7FFF_FFFF else { throw FileSniffError.malformed(.png, "chunk length too large") }
            let type = header[4..<8]
            guard type.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                throw FileSniffError.malformed(.png, "invalid chunk type at offset \(pos)")
            }
            // length ≤ 2³¹ − 1 and pos ≤ count, but add with checks anyway: no arithmetic here may trap.
            let (withHeader, o1) = pos.addingReportingOverflow(12)
            let (next, o2) = withHeader.addingReportingOverflow(length)
            guard !o1, !o2, next <= s.count else { throw FileSniffError.truncated(.png) }
            switch Array(type) {
            case Array("IDAT".utf8): sawData = true
            case Array("IHDR".utf8): throw FileSniffError.malformed(.png, "second IHDR")
            case Array("IEND".utf8):
                guard length == 0, try s.be32(pos + 8) == 0xAE42_6082 else {
                    throw FileSniffError.malformed(.png, "bad IEND chunk")
                }
                guard sawData else { throw FileSniffError.malformed(.png, "no IDAT chunk") }
                guard next == s.count else { throw FileSniffError.malformed(.png, "data after IEND") }
                return
            default: break
            }
            pos = next
        }
    }

    // MARK: - GIF

    private static func checkGIF<S: SniffSource>(_ s: S) throws {
        let lsd = try s.read(6, 7)
        guard lsd.count == 7 else { throw FileSniffError.truncated(.gif) }
        let width = Int(lsd[0]) | Int(lsd[1]) << 8, height = Int(lsd[2]) | Int(lsd[3]) << 8
        guard width > 0, height > 0 else { throw FileSniffError.malformed(.gif, "zero screen size") }
        try checkPixels(width, height, .gif)
        var pos = 13
        if lsd[4] & 0x80 != 0 { pos += 3 << ((Int(lsd[4]) & 7) + 1) }
        var images = 0

        func skipSubBlocks(_ p: inout Int) throws {
            while true {
                guard let size = try s.byte(p) else { throw FileSniffError.truncated(.gif) }
                p += 1 + Int(size)
                if size == 0 { return }
                guard p <= s.count else { throw FileSniffError.truncated(.gif) }
            }
        }

        while true {
            guard let introducer = try s.byte(pos) else { throw FileSniffError.truncated(.gif) }
            switch introducer {
            case 0x2C:  // image descriptor
                let descriptor = try s.read(pos, 10)
                guard descriptor.count == 10 else { throw FileSniffError.truncated(.gif) }
                let frameWidth = Int(descriptor[5]) | Int(descriptor[6]) << 8
                let frameHeight = Int(descriptor[7]) | Int(descriptor[8]) << 8
                try checkPixels(frameWidth, frameHeight, .gif)
                pos += 10
                if descriptor[9] & 0x80 != 0 { pos += 3 << ((Int(descriptor[9]) & 7) + 1) }
                guard let codeSize = try s.byte(pos) else { throw FileSniffError.truncated(.gif) }
                guard (1...12).contains(codeSize) else {
                    throw FileSniffError.malformed(.gif, "LZW minimum code size \(codeSize)")
                }
                pos += 1
                try skipSubBlocks(&pos)
                images += 1
            case 0x21:  // extension: label, then sub-blocks
                pos += 2
                try skipSubBlocks(&pos)
            case 0x3B:  // trailer
                guard images > 0 else { throw FileSniffError.malformed(.gif, "no image") }
                guard pos + 1 == s.count else { throw FileSniffError.malformed(.gif, "data after the trailer") }
                return
            default:
                throw FileSniffError.malformed(.gif, String(format: "unexpected block 0x%02X at offset %d", introducer, pos))
            }
        }
    }

    // MARK: - BMP

    private static func checkBMP<S: SniffSource>(_ s: S) throws {
        let header = try s.read(0, 54)
        guard header.count >= 26 else { throw FileSniffError.truncated(.bmp) }
        func le32(_ i: Int) -> Int { Int(header[i]) | Int(header[i + 1]) << 8 | Int(header[i + 2]) << 16 | Int(header[i + 3]) << 24 }
        func le16(_ i: Int) -> Int { Int(header[i]) | Int(header[i + 1]) << 8 }
        let declared = le32(2)
        if declared > s.count { throw FileSniffError.truncated(.bmp) }
        guard declared == s.count else {
            throw FileSniffError.malformed(.bmp, "file size field \(declared) but the file has \(s.count) bytes")
        }
        let dataOffset = le32(10), dibSize = le32(14)
        guard [12, 40, 52, 56, 108, 124].contains(dibSize) else {
            throw FileSniffError.malformed(.bmp, "unknown DIB header size \(dibSize)")
        }
        guard 14 + dibSize <= s.count, header.count >= min(54, 14 + dibSize) else { throw FileSniffError.truncated(.bmp) }
        guard dataOffset >= 14 + dibSize, dataOffset < s.count else {
            throw FileSniffError.malformed(.bmp, "pixel data offset \(dataOffset) outside the file")
        }
        let width: Int, height: Int, planes: Int, bits: Int, compression: Int
        if dibSize == 12 {
            width = le16(18); height = le16(20); planes = le16(22); bits = le16(24); compression = 0
        } else {
            width = Int(Int32(bitPattern: UInt32(le32(18))))
            height = Int(Int32(bitPattern: UInt32(le32(22))))
            planes = le16(26); bits = le16(28); compression = le32(30)
        }
        guard planes == 1, [0, 1, 2, 4, 8, 16, 24, 32].contains(bits) else {
            throw FileSniffError.malformed(.bmp, "planes \(planes), bit count \(bits)")
        }
        guard (1...maxImageDimension).contains(width), height != 0, abs(height) <= maxImageDimension else {
            throw FileSniffError.malformed(.bmp, "implausible dimensions \(width)x\(height)")
        }
        try checkPixels(width, abs(height), .bmp)
        if (compression == 0 || compression == 3 || compression == 6) && bits > 0 {
            // bits ≤ 32, width and |height| ≤ 65,535: far from overflow, but checked like every size sum here.
            let rowBytes = (bits * width + 31) / 32 * 4
            let (pixelBytes, o1) = rowBytes.multipliedReportingOverflow(by: abs(height))
            let (dataEnd, o2) = dataOffset.addingReportingOverflow(pixelBytes)
            guard !o1, !o2, dataEnd <= s.count else {
                throw FileSniffError.malformed(.bmp, "pixel data shorter than \(width)x\(abs(height))x\(bits)")
            }
        }
    }

    // MARK: - Polyglots

    private static let tagEnd: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0C, UInt8(ascii: ">"), UInt8(ascii: "/")]
    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    /// True if `pattern` (lower case) occurs ASCII case-insensitively in `raw` followed by a byte of `followers`
    /// (any byte, or none, when `followers` is nil). A match whose follower lies past the window's end is left
    /// to the next, overlapping window.
    private static func contains(_ pattern: String, followedBy followers: Set<UInt8>?, in raw: UnsafeRawBufferPointer) -> Bool {
        var hit = false
        SniffSearch.forEachCaseInsensitive(Array(pattern.utf8), in: raw) { after in
            guard let followers else { hit = true; return false }
            if after < raw.count && followers.contains(raw[after]) { hit = true; return false }
            return true
        }
        return hit
    }

    private static func checkPolyglot<S: SniffSource>(_ s: S) throws {
        let head = try s.read(0, 1024)
        try head.withUnsafeBytes { raw in
            if SniffSearch.find(Array("%PDF-".utf8), in: raw) != nil {
                throw FileSniffError.polyglot("PDF header within the first 1024 bytes")
            }
            if contains("<!doctype html", followedBy: nil, in: raw) {
                throw FileSniffError.polyglot("HTML markup (<!doctype html) within the first 1024 bytes")
            }
            for tag in ["<html", "<head", "<body", "<iframe", "<svg"] where contains(tag, followedBy: tagEnd, in: raw) {
                throw FileSniffError.polyglot("HTML markup (\(tag)) within the first 1024 bytes")
            }
        }
        var zipLocal = false, zipDirectory = false, script = false, php = false
        try s.scan(from: 0, overlap: 16) { raw, _ in
            if !zipLocal { zipLocal = SniffSearch.find([0x50, 0x4B, 3, 4], in: raw) != nil }
            if !zipDirectory {
                zipDirectory = SniffSearch.find([0x50, 0x4B, 1, 2], in: raw) != nil
                    || SniffSearch.find([0x50, 0x4B, 5, 6], in: raw) != nil
            }
            if !script { script = contains("<script", followedBy: tagEnd, in: raw) }
            if !php { php = contains("<?php", followedBy: whitespace, in: raw) }
            return !(script || php || (zipLocal && zipDirectory))
        }
        if zipLocal && zipDirectory { throw FileSniffError.polyglot("embedded ZIP archive") }
        if script { throw FileSniffError.polyglot("HTML <script> tag") }
        if php { throw FileSniffError.polyglot("PHP code") }
    }
}
