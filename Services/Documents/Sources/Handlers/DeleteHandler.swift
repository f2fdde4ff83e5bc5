import KitHTTP
import Models

/// `DELETE /documents/:id`: the owner removes a file that was not submitted yet.
struct DeleteHandler: Sendable {
    let app: DocumentsApp
    let uploads: UploadHandlers

    func delete(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        let id = try request.parameter("id")
        if let current = try app.store.document(id, access: .write(caller)) {
            try app.requireProgramReach(current.objectKey, caller: caller)
            try app.lockedAfterReview(current.objectKey)
        }
        let released = try app.store.delete(id, caller: caller, request: request)
        for sha in released { uploads.discard(sha) }
        return .noContent()
    }
}
