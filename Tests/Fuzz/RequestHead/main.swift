// libFuzzer target: the HTTP/1.1 request-head parser (HeadParser in RequestHead.swift), as the event loop
// drives it: incremental scans as bytes arrive, then the header accessors over the parsed offsets.
@testable import KitHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let step = Int(data[0]) % 64 + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let maxHead = 4096
    bytes.withUnsafeBufferPointer { all in
        var scanFrom = 0
        var available = min(step, all.count)
        while true {
            let view = UnsafeBufferPointer(rebasing: all[0..<available])
            switch HeadParser.parse(view, scanFrom: scanFrom, maxHeadBytes: maxHead) {
            case .incomplete(let scanned):
                precondition(scanned >= 0 && scanned <= available, "scanned \(scanned) of \(available)")
                scanFrom = scanned
                if available == all.count { return }
                available = min(all.count, available + step)
            case .failure(let error):
                precondition((400..<600).contains(error.status), "status \(error.status)")
                return
            case .complete(let head):
                precondition(head.length <= available && head.targetStart <= head.targetEnd
                             && head.targetEnd <= head.length, "offsets outside the head")
                let headers = HTTPHeaders(storage: Array(view[0..<head.length]), fields: head.fields)
                for (name, value) in headers { _ = name.utf8.count + value.utf8.count }
                _ = headers["content-type"]
                _ = headers.values("cookie")
                if let cl = head.contentLength { precondition(cl >= 0, "negative Content-Length") }
                return
            }
        }
    }
    return 0
}
