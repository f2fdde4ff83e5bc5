import KitClient
import KitCore
import Models
import ServiceKit

/// Checks the stamped 联络员信息表 a Zhejiang confirmation refers to: documents must show it to
/// the confirming administrator (`GET /api/documents/v1/documents/<id>` with the caller's own
/// token, so only a file the caller may read counts), of kind `liaison_form`, in a
/// `confirmation:<id>` folder. 422 `invalid_liaison_form` otherwise; documents unreachable: 503.
struct LiaisonFormCheck: Sendable {
    let context: ServiceContext

    struct Shown: Decodable, Sendable { let id: String; let object: String; let kind: String }

    func check(_ id: String, authorization: String) throws {
        let refusal = APIError.invalid("liaisonFormId", "请上传盖章的联络员信息表", code: "invalid_liaison_form")
        guard ID.isValid(id) else { throw refusal }
        let url = "\(context.settings.documentsURL)/api/documents/v1/documents/\(id.lowercased())"
        let shown: Shown
        do {
            shown = try context.http.getJSON(url, headers: [("Authorization", authorization)], as: Shown.self)
        } catch ClientError.status(let status, _) where (400..<500).contains(status) {
            throw refusal
        } catch {
            context.logger.error("liaison form check failed", ["error": String(describing: error)])
            throw APIError.unavailable
        }
        guard shown.kind == "liaison_form", shown.object.hasPrefix("confirmation:") else { throw refusal }
    }
}
