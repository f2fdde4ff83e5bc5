import Foundation

/// One stored version of a document's file.
struct VersionRecord: Sendable {
    var version: Int
    var sha256: String
    var size: Int
    /// Detected from the content (`FileKind` raw value).
    var fileType: String
    var contentType: String
    /// Sanitised display name (never a path).
    var fileName: String
    var sealed: Bool
    var sealedAt: Date?
    var createdAt: Date
}

/// A document with its current version.
struct DocumentRecord: Sendable {
    var id: String
    var objectKey: String
    var kind: String
    var createdAt: Date
    var updatedAt: Date
    var current: VersionRecord
}

/// What an upload stores: the checked file and where it goes.
struct NewFile: Sendable {
    var sha256: String
    var size: Int
    var fileType: String
    var contentType: String
    var fileName: String
}
