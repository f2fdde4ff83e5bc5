import KitHTTP
import Models

/// `POST /documents?kind=&object=` (new document) and `PUT /documents/:id/content` (new file for
/// a document): the body is streamed (`RouteOptions.streamBody`): the file is written and hashed
/// as it arrives, checked on disk, then moved to its content address and recorded.
struct UploadHandlers: Sendable {
    let app: DocumentsApp

    func upload(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        let query = request.query
        guard let kind = app.catalog.kind(query["kind"] ?? "") else { throw DocumentErrors.unknownKind(query["kind"]) }
        let object = try ObjectRef.parse(query["object"])
        // A registration folder is its application's: only that application's applicant token
        // creates it (or identity sealing it); a signed-in user never does.
        // A certification folder is its user's: only that user creates it.
        let mayCreate: Bool
        switch object.type {
        case .registration: mayCreate = caller.ownApplication == object
        case .certification: mayCreate = caller.userID?.lowercased() == object.id
        case .report, .confirmation: mayCreate = true
        }
        if caller.ownApplication != object, case .applicant = caller { throw APIError.notFound }
        // The database and identity are asked while the body streams in (`Admission`); nothing
        // is stored before they have said yes.
        let admission = Admission(kind: { $0?.restrict(kind) ?? kind }) {
            try self.admitNew(object: object, kind: kind, caller: caller, mayCreate: mayCreate)
        }
        let incoming = try IncomingFile.receive(request, kind: kind, blobs: app.blobs, gate: admission)
        defer { incoming.writer.discard() } // a no-op once committed
        let limits = try admission.verdict()
        let bounded = limits?.restrict(kind) ?? kind
        let file = try FileCheck.check(incoming, kind: bounded)
        try limits?.checkType(file)
        var wrote = false
        do {
            let record = try app.store.insert(object: object, kind: kind, file: file, caller: caller, mayCreate: mayCreate,
                                              request: request, objectLimit: limits?.maxFiles.map { ($0, limits!.tooMany($0)) }) {
                wrote = try incoming.writer.place(into: app.blobs, sha256: file.sha256)
                return incoming.writer.durable
            }
            return .json(DocumentJSON(record, catalog: app.catalog), status: 201)
        } catch {
            if wrote { discard(file.sha256) }
            throw error
        }
    }

    func replace(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        let id = try request.parameter("id")
        // The document's kind (and so its bound) comes with the verdict: until then the body is
        // held to the largest bound of any kind (a body past it waits for the verdict).
        let admission = Admission(kind: { $0.bounded }) { try self.admitReplacement(id, caller: caller) }
        let incoming = try IncomingFile.receive(request, kind: app.catalog.largest, blobs: app.blobs, gate: admission)
        defer { incoming.writer.discard() } // a no-op once committed
        let (limits, bounded) = try admission.verdict()
        let file = try FileCheck.check(incoming, kind: bounded)
        try limits?.checkType(file)
        var wrote = false
        do {
            let (record, released) = try app.store.replace(id, file: file, caller: caller, request: request) {
                wrote = try incoming.writer.place(into: app.blobs, sha256: file.sha256)
                return incoming.writer.durable
            }
            if let old = released { discard(old) }
            return .json(DocumentJSON(record, catalog: app.catalog, versions: try app.store.versions(id)))
        } catch {
            if wrote { discard(file.sha256) }
            throw error
        }
    }

    /// May the caller add a document of `kind` to `object`? Someone else's object, or a report
    /// folder of another program than the caller is confined to: 404 (the transaction checks the
    /// owner again); a folder locked after review: 409; the program's file count (the
    /// transaction checks again). Gives the program's limits, if any.
    func admitNew(object: ObjectRef, kind: DocumentKind, caller: Caller, mayCreate: Bool) throws -> ProgramLimits? {
        try app.requireProgramReach(object.key, caller: caller)
        if caller.ownApplication != object {
            let exists = try app.store.objectExists(object.key)
            if !exists && !mayCreate { throw APIError.notFound }
            if exists, !(try app.store.objectVisible(object.key, access: .write(caller))) {
                throw APIError.notFound
            }
        }
        try app.lockedAfterReview(object.key)
        let limits = try programLimits(object)
        if let limits, let most = limits.maxFiles, try app.store.liveDocuments(object.key) >= most {
            throw limits.tooMany(most)
        }
        return limits
    }

    /// May the caller replace document `id`'s file? Gives the program's limits and the
    /// document's kind under them.
    func admitReplacement(_ id: String, caller: Caller) throws -> (limits: ProgramLimits?, bounded: DocumentKind) {
        guard let current = try app.store.document(id, access: .write(caller)) else { throw APIError.notFound }
        guard let kind = app.catalog.kind(current.kind) else { throw DocumentErrors.unknownKind(current.kind) }
        try app.requireProgramReach(current.objectKey, caller: caller)
        try app.lockedAfterReview(current.objectKey)
        let limits = try ObjectRef(key: current.objectKey).flatMap(programLimits)
        return (limits, limits?.restrict(kind) ?? kind)
    }

    /// The limits identity's program puts on a registration folder (nil: none, or not a
    /// registration folder). Identity is the one source of the program and its rules.
    func programLimits(_ object: ObjectRef) throws -> ProgramLimits? {
        guard object.type == .registration else { return nil }
        return ProgramLimits(try app.identity.uploadPolicy(applicationID: object.id))
    }

    /// Unlinks a stored file when nothing refers to it (best effort: a failure leaves an orphan,
    /// never a dangling reference).
    func discard(_ sha256: String) {
        do {
            try app.store.collectGarbage(sha256, remove: app.blobs.remove)
        } catch {
            app.context.logger.warning("blob cleanup failed", ["sha256": sha256, "error": String(describing: error)])
        }
    }
}
