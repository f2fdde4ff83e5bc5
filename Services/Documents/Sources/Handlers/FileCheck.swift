import KitMedia
import Models

/// Checks an incoming file against its kind: size, type by content (signature and structure,
/// polyglots refused), agreement with the name's extension and the declared Content-Type, and
/// gives it a safe display name.
enum FileCheck {
    static func check(_ file: IncomingFile, kind: DocumentKind) throws -> NewFile {
        guard file.size > 0 else { throw DocumentErrors.empty }
        guard file.size <= kind.maxBytes else { throw DocumentErrors.tooLarge(kind) }
        let type: FileKind
        do {
            // The raw body is the file: no copy then.
            type = try FileSniffer.detect(file.range == file.body.indices ? file.body : Array(file.bytes))
        } catch let e as FileSniffError {
            switch e {
            case .empty: throw DocumentErrors.empty
            case .unknownType: throw DocumentErrors.unrecognised(kind)
            case .truncated(let t): throw DocumentErrors.truncated(t)
            case .malformed(let t, _): throw DocumentErrors.malformed(t)
            case .polyglot: throw DocumentErrors.polyglot
            }
        }
        guard kind.types.contains(type) else { throw DocumentErrors.notAccepted(type, kind) }

        if let declared = file.declaredType.flatMap(declaredKind), declared.kind != type {
            throw DocumentErrors.mismatch(claimed: declared.text, actual: type)
        }
        let name = try displayName(file.clientName, type: type, kind: kind)
        return NewFile(sha256: BlobStore.hash(file.bytes), size: file.size, fileType: type.rawValue,
                       contentType: type.mimeType, fileName: name)
    }

    /// The sanitised client name; its extension must agree with the content when it names one
    /// of the accepted formats, and the right extension is added when it names none.
    static func displayName(_ clientName: String?, type: FileKind, kind: DocumentKind) throws -> String {
        let given = clientName.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        var name = FileNames.sanitize(given.isEmpty ? kind.name : given)
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            let ext = String(name[name.index(after: dot)...]).lowercased()
            if let claimed = extensionKinds[ext] {
                if claimed != type { throw DocumentErrors.mismatch(claimed: "." + ext, actual: type) }
                return name
            }
        }
        name = FileNames.sanitize(name + "." + type.fileExtension)
        return name
    }

    static let extensionKinds: [String: FileKind] = [
        "pdf": .pdf, "jpg": .jpeg, "jpeg": .jpeg, "jpe": .jpeg, "jfif": .jpeg,
        "png": .png, "gif": .gif, "bmp": .bmp, "dib": .bmp,
    ]

    /// Media types that name one of the formats; anything else (octet-stream, empty …) says nothing.
    static func declaredKind(_ contentType: String) -> (kind: FileKind, text: String)? {
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let map: [String: FileKind] = [
            "application/pdf": .pdf, "application/x-pdf": .pdf,
            "image/jpeg": .jpeg, "image/jpg": .jpeg, "image/pjpeg": .jpeg,
            "image/png": .png, "image/x-png": .png, "image/gif": .gif,
            "image/bmp": .bmp, "image/x-bmp": .bmp, "image/x-ms-bmp": .bmp,
        ]
        guard let k = map[media] else { return nil }
        return (k, media)
    }
}
