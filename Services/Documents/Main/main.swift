import DocumentsService
import ServiceKit

ServiceRunner.run(DocumentsService.definition)
