import GatewayService
import ServiceKit

ServiceRunner.run(GatewayService.definition)
