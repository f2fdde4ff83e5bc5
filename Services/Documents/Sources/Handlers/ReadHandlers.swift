import KitHTTP
import KitMedia
import Models

/// Lists, metadata and downloads, for owners, approvers holding the request and operators;
/// 404 for everyone else.
struct ReadHandlers: Sendable {
    let app: DocumentsApp

    func list(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        let object = try ObjectRef.parse(request.query["object"])
        guard let access = try app.readAccess(to: object, caller: caller) else { throw APIError.notFound }
        let docs = try app.store.list(object: object.key, access: access) ?? []
        return .json(DocumentListJSON(object: object.key, items: docs.map { DocumentJSON($0, catalog: app.catalog) },
                                      total: docs.count))
    }

    func metadata(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        let doc = try app.readableDocument(try request.parameter("id"), version: nil, caller: caller)
        return .json(DocumentJSON(doc, catalog: app.catalog, versions: try app.store.versions(doc.id)))
    }

    /// Streams the file (sendfile) with its detected type, `nosniff` and an RFC 6266
    /// Content-Disposition carrying the UTF-8 name; `?inline=1` to view it in the browser,
    /// `?version=N` for an earlier version.
    func content(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        let query = request.query
        var version: Int?
        if let v = query["version"] {
            guard let n = Int(v), n > 0 else { throw APIError.invalid("version", "版本号格式错误") }
            version = n
        }
        let doc = try app.readableDocument(try request.parameter("id"), version: version, caller: caller)
        let file = doc.current
        guard app.blobs.contains(file.sha256, size: file.size) else {
            app.context.logger.error("stored file missing", ["document": doc.id, "sha256": file.sha256])
            throw APIError(500, "file_missing", "文件内容缺失，请联系管理员")
        }
        let inline = ["1", "true", "yes"].contains((query["inline"] ?? "").lowercased())
        let headers: [(String, String)] = [
            ("Content-Disposition", FileNames.contentDisposition(file.fileName, inline: inline)),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "private, no-store"),
            ("ETag", "\"\(file.sha256)\""),
            ("X-Document-Version", String(file.version)),
        ]
        return Response(status: 200, contentType: file.contentType, headers: headers,
                        file: try app.blobs.path(file.sha256), size: file.size)
    }
}
