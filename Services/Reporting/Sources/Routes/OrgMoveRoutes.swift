import KitHTTP
import ServiceKit

/// An institution moved to another region (identity's 变更资料, through identity's outbox):
/// docs/accounts.md "Region change".
enum OrgMoveRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        router.post("/api/reporting/v1/internal/org-moves", options: RouteOptions(maxBody: 4 * 1024), OrgMoveHandlers(context: context).move)
    }
}
