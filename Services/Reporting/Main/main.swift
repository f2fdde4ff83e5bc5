import ReportingService
import ServiceKit

ServiceRunner.run(ReportingService.definition)
