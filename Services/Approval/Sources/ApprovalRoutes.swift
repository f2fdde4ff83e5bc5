import KitHTTP
import ServiceKit

/// Routes of the approval service → handlers → store.
enum ApprovalRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
    }
}
