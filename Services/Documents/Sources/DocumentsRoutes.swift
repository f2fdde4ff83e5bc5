import KitHTTP
import ServiceKit

/// Routes of the documents service → handlers → store.
enum DocumentsRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
    }
}
