import Foundation
import KitCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed file store: a file's bytes live at `<root>/sha256/<h0h1>/<h2h3>/<hash>`,
/// named by their SHA-256 alone (never by anything a client sent), so the same bytes are stored
/// once. Uploads are written to a temporary file in `incoming/` (`BlobWriter`), renamed into
/// place, fsynced and the directory fsynced before their row is committed; a blob reused for a
/// second upload of the same bytes is read back first (`holds`).
struct BlobStore: Sendable {
    let root: String

    enum Failure: Error, CustomStringConvertible {
        case io(String, Int32)
        case invalidHash
        var description: String {
            switch self {
            case .io(let what, let code): return "\(what): \(String(cString: strerror(code)))"
            case .invalidHash: return "invalid content hash"
            }
        }
    }

    /// Creates the root (and its `sha256` folder) when missing.
    init(root: String) throws {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        try BlobStore.makeDirectories(self.root + "/sha256")
        try BlobStore.makeDirectories(incomingDirectory)
        removeStaleIncoming()
    }

    /// Temporary files a crash left in `incoming/` (an upload in progress is removed by its own
    /// request; one a day old belongs to no live request, even with several instances sharing the store).
    private func removeStaleIncoming() {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: incomingDirectory) else { return }
        let cutoff = Date().addingTimeInterval(-86_400)
        for name in names where name.hasPrefix(".tmp-") {
            let p = incomingDirectory + "/" + name
            if let modified = (try? fm.attributesOfItem(atPath: p))?[.modificationDate] as? Date, modified < cutoff {
                unlink(p)
            }
        }
    }

    /// Where uploads are written while they arrive (`BlobWriter`), on the blobs' file system.
    var incomingDirectory: String { root + "/incoming" }

    /// Where the bytes of `sha256` live. Throws for anything but 64 lowercase hex digits.
    func path(_ sha256: String) throws -> String {
        guard BlobStore.isHash(sha256) else { throw Failure.invalidHash }
        let u = Array(sha256.utf8)
        let a = String(decoding: u[0..<2], as: UTF8.self), b = String(decoding: u[2..<4], as: UTF8.self)
        return "\(root)/sha256/\(a)/\(b)/\(sha256)"
    }

    /// True when the blob is stored with the expected size.
    func contains(_ sha256: String, size: Int) -> Bool {
        guard let p = try? path(sha256) else { return false }
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && Int(st.st_size) == size
    }

    /// True when the blob is stored whole: the expected size and, read back, the expected hash
    /// (then fsynced). For an upload of bytes already stored, which then relies on this copy
    /// (`BlobWriter.commit`); a blob that is not whole is replaced by the new upload.
    func holds(_ sha256: String, size: Int) -> Bool {
        guard contains(sha256, size: size), let p = try? path(sha256) else { return false }
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let hasher = SHA256.Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return false }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return total == size && Hex.encode(hasher.finalize()) == sha256 && fsync(fd) == 0
    }

    /// Removes a blob (no longer referenced). Missing files are fine.
    func remove(_ sha256: String) throws {
        let p = try path(sha256)
        if unlink(p) != 0 && errno != ENOENT { throw Failure.io("unlink \(p)", errno) }
        BlobStore.syncDirectory(String(p[..<p.lastIndex(of: "/")!]))
    }

    static func isHash(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// mkdir -p with mode 0750.
    /// Creates `path` and any missing parents (the leaf is tried first: usually one call).
    /// Returns the directories that got a new entry, deepest last: their fsync makes the new
    /// path durable.
    @discardableResult
    static func makeDirectories(_ path: String) throws -> [String] {
        if mkdir(path, 0o750) == 0 { return [parent(of: path)] }
        switch errno {
        case EEXIST: return []
        case ENOENT:
            let up = parent(of: path)
            guard up != path else { throw Failure.io("mkdir \(path)", ENOENT) }
            var changed = try makeDirectories(up)
            if mkdir(path, 0o750) != 0 && errno != EEXIST { throw Failure.io("mkdir \(path)", errno) }
            changed.append(up)
            return changed
        default:
            throw Failure.io("mkdir \(path)", errno)
        }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Makes a rename or unlink in `dir` durable.
    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }
}
