import KitMedia

/// One kind of document (licence scan, signed application form …): which file types it takes,
/// how large one file may be and how many files of this kind one object (an application, a
/// report) may hold.
struct DocumentKind: Sendable, Equatable {
    /// snake_case code used in the API (`?kind=licence_scan`).
    let code: String
    /// Chinese name for messages and the portal.
    let name: String
    /// Accepted types, decided from the content (`FileSniffer`), never from the name.
    let types: [FileKind]
    /// Largest accepted file, inclusive, in bytes.
    let maxBytes: Int
    /// Most files of this kind on one object (deleted ones do not count, versions do not add).
    let maxFiles: Int
    /// Where the default limits come from.
    let source: String

    /// The same kind with a smaller size bound (a program's), for the stream's check and its message.
    func bounded(to bytes: Int) -> DocumentKind {
        guard bytes < maxBytes else { return self }
        return DocumentKind(code: code, name: name, types: types, maxBytes: max(1, bytes), maxFiles: maxFiles, source: source)
    }

    /// "PDF、JPG、PNG" for messages.
    var typeList: String {
        types.map { $0 == .jpeg ? "JPG" : $0.rawValue.uppercased() }.joined(separator: "、")
    }

    /// "10 MB", "5 MB", "2.5 MB" … in MiB (1 MB = 1,048,576 bytes, as users' file managers show it),
    /// rounded to 0.1 (a "less than 5 MB" limit of 5,242,879 bytes shows as 5 MB).
    var sizeText: String { DocumentKind.sizeText(maxBytes) }

    static func sizeText(_ bytes: Int) -> String {
        let mib = Double(bytes) / 1_048_576
        if bytes >= 1_048_576 {
            let rounded = (mib * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded)) MB" : "\(rounded) MB"
        }
        return "\(max(1, bytes / 1024)) KB"
    }
}
