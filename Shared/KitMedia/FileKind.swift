/// The upload formats the suite accepts, as recognised by `FileSniffer`.
public enum FileKind: String, Sendable, CaseIterable {
    case pdf, jpeg, png, gif, bmp

    /// IANA media type, for Content-Type.
    public var mimeType: String {
        switch self {
        case .pdf: "application/pdf"
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .bmp: "image/bmp"
        }
    }

    /// Canonical file extension without the dot ("jpg" for JPEG).
    public var fileExtension: String {
        switch self {
        case .pdf: "pdf"
        case .jpeg: "jpg"
        case .png: "png"
        case .gif: "gif"
        case .bmp: "bmp"
        }
    }
}

/// Why `FileSniffer` refused a file.
public enum FileSniffError: Error, Sendable, Equatable {
    /// Zero bytes.
    case empty
    /// No accepted format's signature at offset 0 (HTML, ZIP, Office files, text …).
    case unknownType
    /// The signature is right but the file ends too early (cut-off upload, missing trailer).
    case truncated(FileKind)
    /// The signature is right but the structure is not; the string says what is wrong.
    case malformed(FileKind, String)
    /// A valid image that also carries another format (PDF header, ZIP archive, script) — a polyglot.
    case polyglot(String)
    /// An image whose header declares more pixels than any real scan (a decompression bomb).
    case tooManyPixels(FileKind, width: Int, height: Int)
}
