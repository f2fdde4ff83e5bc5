import Foundation

/// A document as the API shows it: what the file is and where to get it; nothing about who
/// uploaded it.
struct DocumentJSON: Encodable {
    var id: String
    var object: String
    var kind: String
    var kindName: String
    var version: Int
    var fileName: String
    var size: Int
    var sha256: String
    var fileType: String
    var contentType: String
    var sealed: Bool
    var createdAt: Date
    var updatedAt: Date
    var contentPath: String
    /// Every stored version (metadata and replace answers only).
    var versions: [VersionJSON]?

    init(_ d: DocumentRecord, catalog: KindCatalog, versions: [VersionRecord]? = nil) {
        id = d.id
        object = d.objectKey
        kind = d.kind
        kindName = catalog.kind(d.kind)?.name ?? d.kind
        version = d.current.version
        fileName = d.current.fileName
        size = d.current.size
        sha256 = d.current.sha256
        fileType = d.current.fileType
        contentType = d.current.contentType
        sealed = d.current.sealed
        createdAt = d.createdAt
        updatedAt = d.updatedAt
        contentPath = "/api/documents/v1/documents/\(d.id)/content"
        self.versions = versions?.map(VersionJSON.init)
    }
}

struct VersionJSON: Encodable {
    var version: Int
    var fileName: String
    var size: Int
    var sha256: String
    var fileType: String
    var contentType: String
    var sealed: Bool
    var sealedAt: Date?
    var createdAt: Date

    init(_ v: VersionRecord) {
        version = v.version
        fileName = v.fileName
        size = v.size
        sha256 = v.sha256
        fileType = v.fileType
        contentType = v.contentType
        sealed = v.sealed
        sealedAt = v.sealedAt
        createdAt = v.createdAt
    }
}

/// `GET …/documents?object=`: the object's live documents.
struct DocumentListJSON: Encodable {
    var object: String
    var items: [DocumentJSON]
    var total: Int
}
