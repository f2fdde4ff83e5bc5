import KitHTTP
import ServiceKit

/// Routes of the documents service → handlers → store.
enum DocumentsRoutes {
    static let base = "/api/documents/v1"

    static func install(_ router: Router, _ app: DocumentsApp) {
        let uploads = UploadHandlers(app: app)
        let reads = ReadHandlers(app: app)
        let deletes = DeleteHandler(app: app, uploads: uploads)
        let seal = SealHandler(app: app)
        let forms = FormHandler(app: app)
        let kinds = KindsHandler(app: app)
        let catalog = app.catalog

        // Uploads: the kind in the query sets the body limit, so an oversize upload is refused
        // from its Content-Length before the body is read (413). The body is streamed to disk
        // as it arrives (docs/uploads.md).
        let largest = catalog.largestFile + KindCatalog.multipartAllowance
        let upload = RouteOptions(maxBody: largest, bodyLimit: { rawQuery in
            catalog.uploadBodyLimit(kindCode: Request.queryValue(rawQuery, "kind"))
        }, streamBody: true)
        let replace = RouteOptions(maxBody: largest, streamBody: true)

        router.post("\(base)/documents", options: upload, uploads.upload)
        router.get("\(base)/documents", reads.list)
        router.get("\(base)/documents/:id", reads.metadata)
        router.get("\(base)/documents/:id/content", reads.content)
        router.put("\(base)/documents/:id/content", options: replace, uploads.replace)
        router.delete("\(base)/documents/:id", deletes.delete)
        router.get("\(base)/forms/:form", forms.render)
        router.get("\(base)/kinds", options: .inline, kinds.list)
        router.post("\(base)/internal/seal", seal.seal)
        router.post("\(base)/internal/org-moves", options: RouteOptions(maxBody: 4 * 1024), OrgMoveHandler(app: app).move)
    }
}
