import KitHTTP
import Models

/// `GET /internal/applications/:id/upload-policy` (internal token): the limits the application's
/// program puts on the files of its folder, which documents enforces at upload. The program and
/// its limits stay identity's (`RegistrationRules`): documents asks for every upload into a
/// registration folder and keeps nothing.
struct UploadPolicyHandlers: Sendable {
    let app: IdentityApp

    struct Policy: Encodable {
        var applicationId: String
        var program: String?
        var programName: String?
        /// Most files on the application, every kind counted (nil: documents' per-kind limits only).
        var maxFiles: Int?
        /// Largest file in bytes, inclusive (nil: the kind's).
        var maxBytes: Int?
        /// Accepted types by content (documents' names: pdf, jpeg …; nil: the kind's).
        var types: [String]?
    }

    func uploadPolicy(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let id = try req.parameter("id")
        guard let a = try ApplicationStore(app: app).get(id: id) else { throw APIError.notFound }
        return .json(Self.policy(applicationID: a.id, program: a.program))
    }

    static func policy(applicationID: String, program: String?) -> Policy {
        let limits = RegistrationRules.uploadLimits(program: program)
        return Policy(applicationId: applicationID, program: program,
                      programName: program.flatMap { p in RegistrationRules.programs.first { $0.code == p }?.title },
                      maxFiles: limits?.maxFiles, maxBytes: limits?.maxBytes, types: limits?.types.sorted())
    }
}
