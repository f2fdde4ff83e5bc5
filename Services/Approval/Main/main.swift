import ApprovalService
import ServiceKit

ServiceRunner.run(ApprovalService.definition)
