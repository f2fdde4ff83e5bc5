import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// The encoding `CSVReader.decode` found.
/// - `utf8`: valid UTF-8 without BOM; `utf8BOM`: with the EF BB BF mark (what Excel's "CSV UTF-8" writes).
/// - `gbk`: bytes in GBK's two-byte range only (what Excel's Chinese "CSV" writes, possibly with € as 0x80);
/// - `gb18030`: GB18030 using four-byte sequences (characters outside GBK).
public enum TextEncodingGuess: Sendable, Equatable {
    case utf8, utf8BOM, gb18030, gbk
}

/// Decoding of CSV bytes. Foundation on Linux decodes GB18030 but returns nil for GBK, and Excel's GBK
/// (code page 936) puts € at the single byte 0x80, which GB18030 does not define as a lead byte: a lone 0x80
/// is rewritten to GB18030's € (A2 E3) before decoding, so GBK is decoded as GB18030 (its superset).
enum TextDecoding {
    static let gb18030: String.Encoding = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(
        CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))

    static func decode(_ data: Data) throws -> (text: String, encoding: TextEncodingGuess) {
        let bytes = [UInt8](data)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            guard let s = String(validating: bytes[3...], as: UTF8.self) else { throw OfficeError.unknownEncoding }
            return (s, .utf8BOM)
        }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw OfficeError.unknownEncoding  // UTF-16 ("Unicode text"): not a CSV we accept
        }
        if let s = String(validating: bytes, as: UTF8.self) { return (s, .utf8) }
        // GB18030 / GBK: walk the sequences, check their shape, rewrite a lead 0x80 to A2 E3.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var fourByte = false
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { out.append(b); i += 1; continue }
            if b == 0x80 { out.append(0xA2); out.append(0xE3); i += 1; continue }
            if b == 0xFF { throw OfficeError.unknownEncoding }
            guard i + 1 < n else { throw OfficeError.unknownEncoding }
            let c = bytes[i + 1]
            if c >= 0x30 && c <= 0x39 {
                guard i + 3 < n, bytes[i + 2] >= 0x81, bytes[i + 2] <= 0xFE,
                      bytes[i + 3] >= 0x30, bytes[i + 3] <= 0x39 else { throw OfficeError.unknownEncoding }
                out.append(contentsOf: bytes[i...(i + 3)])
                fourByte = true
                i += 4
            } else {
                guard c >= 0x40, c <= 0xFE, c != 0x7F else { throw OfficeError.unknownEncoding }
                out.append(b); out.append(c)
                i += 2
            }
        }
        guard let s = String(data: Data(out), encoding: gb18030), !s.unicodeScalars.contains("\u{FFFD}") else {
            throw OfficeError.unknownEncoding
        }
        return (s, fourByte ? .gb18030 : .gbk)
    }
}
