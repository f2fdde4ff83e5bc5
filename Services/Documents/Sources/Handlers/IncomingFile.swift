import Foundation
import KitHTTP
import Models

/// The file of an upload request as the client sent it, before any check: the bytes of the
/// multipart field `file`, or the raw body with its name in `X-File-Name`.
struct IncomingFile {
    /// The request body and the file's range in it (no copy).
    let body: [UInt8]
    let range: Range<Int>
    /// The client's name for it (unsanitised; for display only after `FileNames.sanitize`).
    let clientName: String?
    /// The client's Content-Type for it (informative only: the content alone decides the type).
    let declaredType: String?

    var size: Int { range.count }
    var bytes: ArraySlice<UInt8> { body[range] }

    static func from(_ request: Request) throws -> IncomingFile {
        let contentType = request.headers["content-type"]
        if let ct = contentType, ct.lowercased().hasPrefix("multipart/") {
            return try multipart(request, contentType: ct)
        }
        let name = request.headers["x-file-name"].map(decodeHeaderName)
        return IncomingFile(body: request.body, range: 0..<request.body.count, clientName: name, declaredType: contentType)
    }

    private static func multipart(_ request: Request, contentType: String) throws -> IncomingFile {
        guard let boundary = Multipart.boundary(fromContentType: contentType) else { throw DocumentErrors.malformedMultipart }
        let parts: [MultipartPart]
        do {
            parts = try Multipart.parse(request.body, boundary: boundary, maxParts: 10)
        } catch MultipartError.tooManyParts {
            throw DocumentErrors.oneFilePerRequest
        } catch {
            throw DocumentErrors.malformedMultipart
        }
        let files = parts.filter { $0.name == "file" }
        guard files.count <= 1 else { throw DocumentErrors.oneFilePerRequest }
        guard let part = files.first else { throw DocumentErrors.missingFile }
        return IncomingFile(body: request.body, range: part.body, clientName: part.filename, declaredType: part.contentType)
    }

    /// `X-File-Name` carries UTF-8 percent-encoded (what `encodeURIComponent` gives); a value
    /// that does not decode is taken as it is.
    static func decodeHeaderName(_ value: String) -> String {
        var v = value.trimmingCharacters(in: .whitespaces)
        if v.lowercased().hasPrefix("utf-8''") { v = String(v.dropFirst(7)) }
        guard v.contains("%") else { return v }
        return v.removingPercentEncoding ?? v
    }
}
