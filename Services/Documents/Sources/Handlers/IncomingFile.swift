import Foundation
import KitHTTP
import KitMedia
import Models

/// The file of an upload request, received as it arrives: the content of the multipart field
/// `file`, or the raw body with its name in `X-File-Name`, written to a temporary file in the
/// store (`BlobWriter`) and hashed on the way. Refused as soon as it passes its size bound (the
/// kind's, then the gate's once decided), its first bytes match no accepted format, or the gate
/// refuses the upload; the checks that need the whole file run on the written file
/// (`FileCheck`). Whatever is refused, the temporary file is removed, and the gate's refusal
/// (404, 409, 423…) takes precedence over what was wrong with the body.
struct IncomingFile {
    let writer: BlobWriter
    let sha256: String
    /// The client's name for it (unsanitised; for display only after `FileNames.sanitize`).
    let clientName: String?
    /// The client's Content-Type for it (informative only: the content alone decides the type).
    let declaredType: String?

    var size: Int { writer.size }
    var path: String { writer.path }

    /// Reads the request's body (streamed, or buffered when the handler is called directly).
    static func receive(_ request: Request, kind: DocumentKind, blobs: BlobStore,
                        gate: any UploadGate) throws -> IncomingFile {
        let stream: any RequestBodyStream = request.bodyStream ?? BufferedBodyStream(request.body)
        let contentType = request.headers["content-type"]
        let writer: BlobWriter
        do { writer = try BlobWriter(store: blobs) } catch { throw gate.refusal() ?? error }
        // The file is at most the body: its blocks are allocated before the first byte.
        if let length = stream.declaredLength, length <= kind.maxBytes + KindCatalog.multipartAllowance {
            writer.reserve(length)
        }
        do {
            let sink = Sink(writer: writer, kind: kind, gate: gate)
            var clientName: String?
            var declaredType: String?
            if let ct = contentType, ct.lowercased().hasPrefix("multipart/") {
                guard let boundary = Multipart.boundary(fromContentType: ct) else { throw DocumentErrors.malformedMultipart }
                (clientName, declaredType) = try multipart(stream, boundary: boundary, into: sink)
            } else {
                clientName = request.headers["x-file-name"].map(decodeHeaderName)
                declaredType = contentType
                while let chunk = try next(stream) { try sink.take(chunk[...]) }
            }
            try sink.end()
            let sha256 = try writer.finish()
            if let refusal = gate.refusal() { throw refusal }
            return IncomingFile(writer: writer, sha256: sha256, clientName: clientName, declaredType: declaredType)
        } catch {
            writer.discard()
            throw gate.refusal() ?? error
        }
    }

    /// Where the file's bytes go: size bound and early sniffing, then the writer.
    final class Sink {
        let writer: BlobWriter
        let gate: any UploadGate
        var sniffed = false
        /// The kind whose bound applies: the one given, then the gate's once it has decided.
        private var kind: DocumentKind
        private var decided = false

        init(writer: BlobWriter, kind: DocumentKind, gate: any UploadGate) {
            self.writer = writer
            self.kind = kind
            self.gate = gate
        }

        func take(_ bytes: ArraySlice<UInt8>) throws {
            if !decided { try narrow() }
            if bytes.count > kind.maxBytes - writer.size {
                // Too large for the bound known so far: the gate's answer (a refusal, or the
                // file's own kind) decides what to say.
                if !decided, let refusal = gate.refusal() { throw refusal }
                try narrow()
                guard bytes.count <= kind.maxBytes - writer.size else { throw DocumentErrors.tooLarge(kind) }
            }
            try writer.write(bytes)
            if !sniffed && writer.head.count >= BlobWriter.headBytes { try sniff() }
        }

        /// Takes the gate's kind once it has decided (throws its refusal).
        private func narrow() throws {
            guard let decidedKind = try gate.decidedKind() else { return }
            decided = true
            if decidedKind.maxBytes <= kind.maxBytes { kind = decidedKind }
        }

        func end() throws {
            guard writer.size > 0 else { throw DocumentErrors.empty }
            if !sniffed { try sniff() }
        }

        /// From the first bytes: no known format's signature, refused before the rest is written.
        /// (Everything else about the type is decided on the whole file.)
        private func sniff() throws {
            sniffed = true
            do {
                _ = try FileSniffer.detect(writer.head)
            } catch FileSniffError.unknownType {
                throw DocumentErrors.unrecognised(kind)
            } catch {
                // A known signature: the structure checks need the whole file.
            }
        }
    }

    private static func next(_ stream: any RequestBodyStream) throws -> [UInt8]? {
        do {
            return try stream.next()
        } catch is BodyStreamError {
            throw APIError.badRequest("上传中断，请重新上传", code: "upload_interrupted")
        }
    }

    /// Streams a multipart body: the part named `file` goes to the sink, other fields are
    /// skipped (at most `KindCatalog.multipartAllowance` bytes of them). One file per request.
    private static func multipart(_ stream: any RequestBodyStream, boundary: String,
                                  into sink: Sink) throws -> (String?, String?) {
        var parser: MultipartStreamParser
        do { parser = try MultipartStreamParser(boundary: boundary, maxParts: 10) } catch { throw DocumentErrors.malformedMultipart }
        var inFile = false
        var files = 0
        var fileName: String?
        var fileType: String?
        var otherBytes = 0
        let handle: (MultipartStreamEvent) throws -> Void = { event in
            switch event {
            case .part(let part):
                inFile = part.name == "file"
                if inFile {
                    files += 1
                    guard files == 1 else { throw DocumentErrors.oneFilePerRequest }
                    fileName = part.filename
                    fileType = part.contentType
                }
            case .data(let bytes):
                if inFile {
                    try sink.take(bytes)
                } else {
                    otherBytes += bytes.count
                    guard otherBytes <= KindCatalog.multipartAllowance else { throw DocumentErrors.malformedMultipart }
                }
            case .partEnd:
                inFile = false
            }
        }
        do {
            while let chunk = try next(stream) {
                try parser.feed(chunk, handle)
                if parser.isComplete { break }
            }
            try parser.finish(handle)
            // What follows the close delimiter (epilogue) is read and ignored.
            while try next(stream) != nil {}
        } catch MultipartError.tooManyParts {
            throw DocumentErrors.oneFilePerRequest
        } catch is MultipartError {
            throw DocumentErrors.malformedMultipart
        }
        guard files == 1 else { throw DocumentErrors.missingFile }
        return (fileName, fileType)
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
