import KitHTTP
import KitMedia

/// `GET /kinds`: every document kind with its limits, for the portal's hints.
struct KindsHandler: Sendable {
    let app: DocumentsApp

    struct KindJSON: Encodable {
        var code: String
        var name: String
        var types: [String]
        var mimeTypes: [String]
        /// For `<input accept>`: ".pdf,.jpg,.jpeg".
        var accept: String
        var maxBytes: Int
        var maxSize: String
        var maxFiles: Int
        /// "PDF、JPG、PNG 格式，每个文件不超过 10 MB，最多 3 个文件"
        var hint: String
    }

    struct ListJSON: Encodable {
        var items: [KindJSON]
    }

    func list(_ request: Request) throws -> Response {
        .json(ListJSON(items: app.catalog.kinds.map { k in
            let extensions = k.types.flatMap { t -> [String] in t == .jpeg ? [".jpg", ".jpeg"] : ["." + t.fileExtension] }
            return KindJSON(code: k.code, name: k.name, types: k.types.map(\.rawValue), mimeTypes: k.types.map(\.mimeType),
                            accept: extensions.joined(separator: ","), maxBytes: k.maxBytes, maxSize: k.sizeText,
                            maxFiles: k.maxFiles,
                            hint: "\(k.typeList) 格式，每个文件不超过 \(k.sizeText)，最多 \(k.maxFiles) 个文件")
        }))
    }
}
