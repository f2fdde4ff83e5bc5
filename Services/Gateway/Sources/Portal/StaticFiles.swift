import Foundation
import KitCrypto
import KitHTTP
import KitMedia

/// The portal's files, read once at start-up: each with its type, a strong ETag and a gzip
/// copy for clients that accept it. Paths outside the portal folder cannot be named (the map
/// is built by walking the folder; requests only look names up in it).
final class StaticFiles: Sendable {
    struct File: Sendable {
        let bytes: [UInt8]
        let gzipped: [UInt8]?
        let etag: String
        let contentType: String
    }

    let files: [String: File]

    init(directory: String) {
        var map: [String: File] = [:]
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                      let data = try? Data(contentsOf: url) else { continue }
                let rel = String(url.standardizedFileURL.path.dropFirst(root.path.count))
                let bytes = Array(data)
                let type = StaticFiles.contentType(url.pathExtension)
                let compressible = type.hasPrefix("text/") || type.contains("javascript") || type.contains("json") || type.contains("svg")
                let gz = compressible && bytes.count > 512 ? Gzip.compress(bytes, level: 9) : nil
                map[rel] = File(bytes: bytes, gzipped: gz, etag: "\"\(SHA256.hex(bytes).prefix(20))\"", contentType: type)
            }
        }
        files = map
    }

    static func contentType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }

    /// GET of a portal path; unknown paths get index.html (the portal routes by hash).
    func serve(_ req: Request) -> Response {
        var path = req.path
        if path == "/" || path.isEmpty { path = "/index.html" }
        guard let file = files[path] ?? (path.contains(".") ? nil : files["/index.html"]) else {
            return .error(.notFound)
        }
        var headers: [(String, String)] = [("ETag", file.etag), ("Cache-Control", "no-cache"), ("Vary", "Accept-Encoding")]
        if let inm = req.headers["if-none-match"], inm.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.etag }) {
            return Response(status: 304, contentType: nil, headers: headers)
        }
        if let gz = file.gzipped, (req.headers["accept-encoding"] ?? "").contains("gzip") {
            headers.append(("Content-Encoding", "gzip"))
            return Response(status: 200, contentType: file.contentType, headers: headers, body: gz)
        }
        return Response(status: 200, contentType: file.contentType, headers: headers, body: file.bytes)
    }
}
