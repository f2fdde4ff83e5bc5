import Foundation
import KitHTTP
import ServiceKit

/// The approval service: owns schema `approval`. Chains (data), requests and their stages,
/// the approvers' inbox, decisions, and the outcome delivered to the subject's service.
public enum ApprovalService {
    public static var definition: ServiceRunner.Definition {
        var d = ServiceRunner.Definition(name: .approval,
                                         migrations: Bundle.module.url(forResource: "Migrations", withExtension: nil)) { context, router in
            PublicRoutes.install(router, context)
            InternalRoutes.install(router, context)
            RegistrationRoutes.install(router, context)
        }
        d.background = [OutboxDeliverer.task, ApproverResolver.task, Escalation.task]
        return d
    }
}
