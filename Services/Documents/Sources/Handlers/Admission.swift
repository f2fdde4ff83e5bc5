import Foundation

/// What decides whether an upload may be stored, asked while its body streams in: the
/// database (is the folder the caller's, is it locked after review, how many files it holds)
/// and identity (the program's limits) answer on another thread while this one writes and
/// hashes the bytes, so an upload no longer waits for those round trips before its first byte
/// is written (docs/uploads.md).
///
/// The body's size bound is the kind's until the verdict is in, then the verdict's: the
/// receiving side asks `decidedKind()` on every piece (never blocking) and stops at once when
/// the upload is refused. Nothing is stored before `verdict()` has returned: a refused caller
/// leaves at most the bytes that arrived meanwhile in a temporary file, which is removed.
final class Admission<Verdict: Sendable>: UploadGate, @unchecked Sendable {
    private let cond = NSCondition()
    private var outcome: Result<Verdict, Error>?
    private let kind: @Sendable (Verdict) -> DocumentKind

    /// Starts `decide` on a thread of its own. `kind` gives the file's kind, with its size
    /// bound, under a verdict. Not on a Dispatch queue: `decide` blocks on a database connection
    /// and an HTTP call, and uploads waiting for their fsyncs (Dispatch work) hold connections;
    /// sharing Dispatch's few threads with them could make each wait for the other.
    init(kind: @escaping @Sendable (Verdict) -> DocumentKind, decide: @escaping @Sendable () throws -> Verdict) {
        self.kind = kind
        let thread = Thread { [self] in
            let result = Result { try decide() }
            cond.lock()
            outcome = result
            cond.broadcast()
            cond.unlock()
        }
        thread.name = "documents-admission"
        thread.start()
    }

    /// Waits for the verdict; throws the refusal.
    func verdict() throws -> Verdict {
        cond.lock()
        while outcome == nil { cond.wait() }
        let result = outcome!
        cond.unlock()
        return try result.get()
    }

    func decidedKind() throws -> DocumentKind? {
        cond.lock()
        let result = outcome
        cond.unlock()
        return try result.map { kind(try $0.get()) }
    }

    func refusal() -> Error? {
        do {
            _ = try verdict()
            return nil
        } catch {
            return error
        }
    }
}

/// The receiving side's view of an `Admission`: the size bound once known, and the refusal
/// that takes precedence over whatever went wrong with the body.
protocol UploadGate: Sendable {
    /// The file's kind with its size bound once decided (never waits); nil while undecided.
    /// Throws the refusal once the upload is refused.
    func decidedKind() throws -> DocumentKind?
    /// Waits for the decision: the refusal, or nil when the upload may be stored.
    func refusal() -> Error?
}

