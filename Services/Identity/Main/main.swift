import IdentityService
import ServiceKit

ServiceRunner.run(IdentityService.definition)
