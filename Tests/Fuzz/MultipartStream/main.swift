// libFuzzer target: multipart/form-data parsed as it arrives (MultipartStreamParser). The input's
// first line is the Content-Type value (boundary extraction), the next byte picks how the rest
// (the body) is cut into pieces. Whatever the cuts, the streamed parse must agree with
// Multipart.parse of the whole body: same verdict, same parts, same content bytes.
@testable import KitHTTP

struct Seen: Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var content: [UInt8]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let contentType = String(decoding: bytes[0..<newline], as: UTF8.self)
    guard newline + 1 < bytes.count else { return 0 }
    let seed = Int(bytes[newline + 1])
    let body = Array(bytes[(newline + 2)...])
    let boundary = Multipart.boundary(fromContentType: contentType) ?? "X"

    let whole: [Seen]? = (try? Multipart.parse(body, boundary: boundary, maxParts: 20))?.map {
        Seen(name: $0.name, filename: $0.filename, contentType: $0.contentType, content: Array(body[$0.body]))
    }

    var streamed: [Seen]? = []
    do {
        var parser = try MultipartStreamParser(boundary: boundary, maxParts: 20)
        var parts: [Seen] = []
        var open = false
        let sink: (MultipartStreamEvent) throws -> Void = { event in
            switch event {
            case .part(let p):
                precondition(!open, "part started inside a part")
                precondition(p.body.isEmpty)
                parts.append(Seen(name: p.name, filename: p.filename, contentType: p.contentType, content: []))
                open = true
            case .data(let d):
                precondition(open && !d.isEmpty, "data outside a part")
                parts[parts.count - 1].content += d
            case .partEnd:
                precondition(open, "part end without a part")
                open = false
            }
        }
        var i = 0
        var step = 0
        while i < body.count {
            // Piece sizes from the seed: 1, 2, 3, … bytes, or whole spans.
            let n = min(body.count - i, seed == 0 ? body.count : 1 + (seed &* (step + 1)) % 97)
            try parser.feed(body[i..<(i + n)], sink)
            i += n
            step += 1
        }
        try parser.finish(sink)
        precondition(!open, "finished inside a part")
        streamed = parts
    } catch {
        streamed = nil
    }
    // The streamed parser refuses a few things the whole-body one accepts, to bound what it
    // holds (a preamble over 64 KiB, white space after a boundary over 8 KiB): only smaller bodies are compared.
    if body.count <= 8192 {
        precondition(whole == streamed, "streamed parse differs: \(String(describing: whole)) vs \(String(describing: streamed))")
    } else if let streamed {
        precondition(whole == streamed, "streamed parse accepted what differs from the whole parse")
    }
    return 0
}
