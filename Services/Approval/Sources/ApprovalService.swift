import Foundation
import KitHTTP
import ServiceKit

/// The approval service: owns schema `approval`.
public enum ApprovalService {
    public static var definition: ServiceRunner.Definition {
        var d = ServiceRunner.Definition(name: .approval,
                                         migrations: Bundle.module.url(forResource: "Migrations", withExtension: nil)) { context, router in
            ApprovalRoutes.install(router, context)
        }
        d.background = [OutboxDeliverer.task]
        return d
    }
}
