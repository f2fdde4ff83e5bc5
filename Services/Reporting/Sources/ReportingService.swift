import Foundation
import KitHTTP
import ServiceKit

/// The reporting service: owns schema `reporting`.
public enum ReportingService {
    public static var definition: ServiceRunner.Definition {
        var d = ServiceRunner.Definition(name: .reporting,
                                         migrations: Bundle.module.url(forResource: "Migrations", withExtension: nil)) { context, router in
            ReportingRoutes.install(router, context)
        }
        d.background = [OutboxDeliverer.task]
        return d
    }
}
