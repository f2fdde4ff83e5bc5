import KitMedia
import Models

/// Checks a received file against its kind: size, type by content alone (signature and
/// structure, polyglots refused; the client's name and Content-Type never decide), and gives it
/// a safe display name with the detected type's extension. Runs on the written temporary file
/// (the sniffer reads what it needs from disk), before the file is accepted.
enum FileCheck {
    static func check(_ file: IncomingFile, kind: DocumentKind) throws -> NewFile {
        guard file.size > 0 else { throw DocumentErrors.empty }
        guard file.size <= kind.maxBytes else { throw DocumentErrors.tooLarge(kind) }
        let type: FileKind
        do {
            type = try FileSniffer.detect(fileAt: file.path)
        } catch let e as FileSniffError {
            switch e {
            case .empty: throw DocumentErrors.empty
            case .unknownType: throw DocumentErrors.unrecognised(kind)
            case .truncated(let t): throw DocumentErrors.truncated(t)
            case .malformed(let t, _): throw DocumentErrors.malformed(t)
            case .polyglot: throw DocumentErrors.polyglot
            case .tooManyPixels(_, let width, let height): throw DocumentErrors.tooManyPixels(width, height)
            }
        }
        guard kind.types.contains(type) else { throw DocumentErrors.notAccepted(type, kind) }
        // The client's name and Content-Type say nothing: a phone's JPEG sent as photo.png with
        // image/png is a JPEG, stored as photo.jpg.
        let name = displayName(file.clientName, type: type, kind: kind)
        return NewFile(sha256: file.sha256, size: file.size, fileType: type.rawValue,
                       contentType: type.mimeType, fileName: name)
    }

    /// Longest kept display name, in bytes of UTF-8.
    static let maxNameBytes = 255

    /// The sanitised client name (the kind's name when none) with the extension of the detected
    /// type: a known image/PDF extension is replaced by the right one, anything else keeps its
    /// text and gets the right extension added. At most `maxNameBytes` bytes, cut on a
    /// character boundary, the extension kept.
    static func displayName(_ clientName: String?, type: FileKind, kind: DocumentKind) -> String {
        let given = clientName.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        var stem = FileNames.sanitize(given.isEmpty ? kind.name : given)
        if let dot = stem.lastIndex(of: "."), dot != stem.startIndex,
           extensionKinds[String(stem[stem.index(after: dot)...]).lowercased()] != nil {
            let ext = String(stem[stem.index(after: dot)...])
            if extensionKinds[ext.lowercased()] == type {
                return cut(String(stem[..<dot]), ext: ext)
            }
            stem = String(stem[..<dot])
        }
        return cut(stem, ext: type.fileExtension)
    }

    /// `stem.ext`, the stem shortened by whole characters until the name fits `maxNameBytes`.
    static func cut(_ stem: String, ext: String) -> String {
        let room = maxNameBytes - ext.utf8.count - 1
        var kept = ""
        var used = 0
        for ch in stem {
            let n = ch.utf8.count
            if used + n > room { break }
            kept.append(ch)
            used += n
        }
        kept = kept.trimmingCharacters(in: .whitespaces)
        while kept.hasSuffix(".") { kept.removeLast() }
        return FileNames.sanitize((kept.isEmpty ? "file" : kept) + "." + ext)
    }

    static let extensionKinds: [String: FileKind] = [
        "pdf": .pdf, "jpg": .jpeg, "jpeg": .jpeg, "jpe": .jpeg, "jfif": .jpeg,
        "png": .png, "gif": .gif, "bmp": .bmp, "dib": .bmp,
    ]
}
