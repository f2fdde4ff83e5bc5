import KitClient
import KitCore
import Models
import ServiceKit

/// Fetches what a generated form is filled with from identity
/// (`GET /api/identity/v1/internal/applications/<id>/form-data`, contracts.md).
struct IdentityClient: Sendable {
    let context: ServiceContext

    struct FormData: Decodable, Sendable {
        struct Field: Decodable, Sendable {
            var label: String
            var value: String
        }
        var fields: [Field]
        var applicationId: String
    }

    /// The application's form data; nil when identity does not know the application.
    func formData(applicationID: String) throws -> FormData? {
        let url = context.settings.identityURL + "/api/identity/v1/internal/applications/\(applicationID)/form-data"
        do {
            return try context.http.getJSON(url, headers: context.internalHeaders, as: FormData.self)
        } catch ClientError.status(404, _) {
            return nil
        } catch {
            context.logger.error("form-data failed", ["error": String(describing: error), "application": applicationID])
            throw APIError.badGateway
        }
    }
}

/// The limits an application's program puts on its folder (identity's
/// `GET /internal/applications/<id>/upload-policy`, docs/registration.md): identity holds the
/// program and its rules; documents asks at every upload into a registration folder.
struct UploadPolicy: Decodable, Sendable {
    var program: String?
    var programName: String?
    var maxFiles: Int?
    var maxBytes: Int?
    var types: [String]?

    var limits: Bool { maxFiles != nil || maxBytes != nil || types != nil }
}

extension IdentityClient {
    /// The application's upload policy; nil when identity does not know the application (an
    /// object no application backs has no program). Identity unreachable: 503, nothing stored.
    func uploadPolicy(applicationID: String) throws -> UploadPolicy? {
        let url = context.settings.identityURL + "/api/identity/v1/internal/applications/\(applicationID)/upload-policy"
        do {
            return try context.http.getJSON(url, headers: context.internalHeaders, as: UploadPolicy.self)
        } catch ClientError.status(404, _) {
            return nil
        } catch {
            context.logger.error("upload-policy failed", ["error": String(describing: error), "application": applicationID])
            throw APIError.unavailable
        }
    }
}
