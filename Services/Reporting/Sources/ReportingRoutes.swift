import KitHTTP
import ServiceKit

/// Routes of the reporting service → handlers → store.
enum ReportingRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
    }
}
