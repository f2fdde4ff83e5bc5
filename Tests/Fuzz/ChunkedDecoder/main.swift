// libFuzzer target: the chunked request-body decoder. The first byte picks how the rest is split into reads
// (the decoder is incremental), the second a body limit (0xFF: none); every outcome is needMore, done or a 4xx failure.
@testable import KitHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let step = Int(data[0]) + 1
    let limit = data[1] == 0xFF ? Int.max : Int(data[1]) * 64  // 0xFF: no limit (the decoder must not trust sizes)
    let input = UnsafeBufferPointer(start: data + 2, count: size - 2)
    var decoder = ChunkedDecoder()
    var body: [UInt8] = []
    var offset = 0
    while offset < input.count {
        let end = min(input.count, offset + step)
        var consumed = 0
        let outcome = decoder.decode(UnsafeBufferPointer(rebasing: input[offset..<end]), consumed: &consumed,
                                     body: &body, limit: limit)
        precondition(consumed >= 0 && consumed <= end - offset, "consumed \(consumed) of \(end - offset)")
        precondition(body.count <= limit, "body \(body.count) over limit \(limit)")
        switch outcome {
        case .needMore: offset += consumed
        case .done, .failure: return 0
        }
        if consumed < end - offset { return 0 }  // stopped early without finishing: nothing more to feed
    }
    return 0
}
