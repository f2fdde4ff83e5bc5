import KitHTTP
import ServiceKit

/// Case registries (Reporting II): definitions, cases, imports, exports, the registry year.
enum RegistryRoutes {
    /// Imports carry the file as the body (up to 24 MB: 100,000 case rows with identifiers are
    /// about 10.5 MB; the gateway's own cap of 11 MB applies to uploads through it).
    static let importBody = RouteOptions(maxBody: 24 << 20)

    static func install(_ router: Router, _ context: ServiceContext) {
        let h = RegistryHandlers(context: context)
        let v1 = "/api/reporting/v1"
        router.get("\(v1)/registries", h.list)
        router.get("\(v1)/registries/:code", h.detail)
        router.get("\(v1)/registries/:code/template.csv", h.template)
        router.get("\(v1)/registries/:code/template.xlsx", h.template)
        router.get("\(v1)/registries/:code/cases", h.cases)
        router.post("\(v1)/registries/:code/cases", h.create)
        router.get("\(v1)/registries/:code/export.csv", h.export)
        router.get("\(v1)/registries/:code/export.xlsx", h.export)
        router.post("\(v1)/registries/:code/imports", options: importBody, h.dryRun)
        router.get("\(v1)/imports/:id", h.importDetail)
        router.post("\(v1)/imports/:id/commit", h.commit)
        router.get("\(v1)/cases/:id", h.show)
        router.put("\(v1)/cases/:id", h.update)
        router.delete("\(v1)/cases/:id", h.delete)
        router.get("\(v1)/registry-years/:program/:period", h.year)
        router.get("\(v1)/registry-years/:program/:period/templates.zip", h.templatesZip)
        router.put("\(v1)/registry-years/:program/:period/scan", h.scan)
        router.post("\(v1)/registry-years/:program/:period/submit", h.submitYear)
    }
}
