import Foundation
import KitClient
import KitCore
import KitHTTP
import Models
import ServiceKit

/// The one public entry: routes `/api/<service>/…` to the services.
public enum GatewayService {
    public static var definition: ServiceRunner.Definition {
        ServiceRunner.Definition(name: .gateway, migrations: nil) { context, router in
            let upstreams = UpstreamConfig.load()
            var options = HTTPClient.Options()
            options.maxPooledHandles = 256
            let proxy = Proxy(upstreams: upstreams, client: HTTPClient(options: options),
                              timeout: Env.double("UPSTREAM_TIMEOUT", 30))
            GatewayRoutes.install(router, proxy: proxy, context: context)
        }
    }
}
