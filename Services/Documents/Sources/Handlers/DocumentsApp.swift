import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// What the handlers share: the service context, the kinds, the file store, the database
/// store and the clients of identity and approval. One per process.
final class DocumentsApp: Sendable {
    let context: ServiceContext
    let catalog: KindCatalog
    let blobs: BlobStore
    let store: DocumentStore
    let approval: ApprovalClient
    let identity: IdentityClient

    init(context: ServiceContext, catalog: KindCatalog, blobs: BlobStore) {
        self.context = context
        self.catalog = catalog
        self.blobs = blobs
        self.store = DocumentStore(db: context.database)
        self.approval = ApprovalClient(context: context)
        self.identity = IdentityClient(context: context)
    }

    /// `STORAGE_DIR` (default `.var/documents`) and the kinds from the environment.
    static func fromEnvironment(_ context: ServiceContext) throws -> DocumentsApp {
        let root = Env.string("STORAGE_DIR", ".var/documents")
        let blobs = try BlobStore(root: root)
        let catalog = KindCatalog.fromEnvironment()
        context.logger.info("document storage", ["dir": root, "kinds": String(catalog.kinds.count)])
        return DocumentsApp(context: context, catalog: catalog, blobs: blobs)
    }

    /// The caller from the bearer token: an access token (signed-in user) or an applicant token.
    func caller(_ request: Request) throws -> Caller {
        switch try context.callerOrApplicant(request) {
        case .user(let claims): return .user(claims)
        case .applicant(let claims): return .applicant(claims)
        }
    }

    /// Refuses any change (new file, replacement, deletion) to a submitted (sealed) folder once an
    /// approver has acted on its request: what the approvers judged stays as they saw it, and a
    /// change after that is a new request, reviewed on its own (`evidence_locked`, 409).
    func lockedAfterReview(_ objectKey: String) throws {
        guard try store.objectSealed(objectKey), let object = ObjectRef(key: objectKey) else { return }
        if try approval.approverActed(on: object) { throw DocumentErrors.evidenceLocked }
    }

    /// A caller confined to one program (a stroke registry user's tagged grant) reaches the
    /// report folders of that program only: its unit's path covers every report of the unit,
    /// so reporting is asked whose program the folder is (404 for another's, or none).
    func requireProgramReach(_ objectKey: String, caller: Caller) throws {
        guard let program = caller.confinedProgram, let object = ObjectRef(key: objectKey), object.type == .report else { return }
        guard try PeerLookups.reportFolderProgram(context, id: object.id) == program else { throw APIError.notFound }
    }

    /// A document the caller may read: owners and platform operators by the SQL rule; other
    /// signed-in users when approval says they hold a request on the document's object.
    func readableDocument(_ id: String, version: Int?, caller: Caller) throws -> DocumentRecord {
        if let doc = try store.document(id, version: version, access: .read(caller)) {
            try requireProgramReach(doc.objectKey, caller: caller)
            return doc
        }
        guard let claims = caller.claims, let key = try store.objectKey(ofDocument: id), let object = ObjectRef(key: key),
              try approval.canView(object, claims: claims),
              let doc = try store.document(id, version: version, access: .read(caller, approved: object)) else {
            throw APIError.notFound
        }
        return doc
    }

    /// The access that lets the caller read an object's documents, or nil (404 for the caller):
    /// owner, operator, the application's own applicant (also before any upload), or an approver.
    func readAccess(to object: ObjectRef, caller: Caller) throws -> Access? {
        try requireProgramReach(object.key, caller: caller)
        let plain = Access.read(caller)
        if caller.ownApplication == object || caller.isOperator { return plain }
        if try store.objectVisible(object.key, access: plain) { return plain }
        if let claims = caller.claims, try approval.canView(object, claims: claims) {
            return .read(caller, approved: object)
        }
        return nil
    }
}
