import Foundation
import KitHTTP
import ServiceKit

/// The documents service: owns schema `documents` and the file store under `STORAGE_DIR`.
public enum DocumentsService {
    public static var definition: ServiceRunner.Definition {
        var d = ServiceRunner.Definition(name: .documents,
                                         migrations: Bundle.module.url(forResource: "Migrations", withExtension: nil)) { context, router in
            DocumentsRoutes.install(router, try DocumentsApp.fromEnvironment(context))
        }
        d.background = [OutboxDeliverer.task]
        return d
    }
}
