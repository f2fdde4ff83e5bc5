import Foundation
import KitHTTP
import KitMedia
import KitPDF
import Models

/// `GET /forms/:form?application=<id>`: renders one of the registration forms (账号申请表,
/// 保密承诺函, 医疗机构信息收集表, 系统使用须知及同意书) as PDF from identity's data for the
/// application, with its verification code. For the application's applicant, and for users who
/// may read the application's documents.
struct FormHandler: Sendable {
    let app: DocumentsApp

    func render(_ request: Request) throws -> Response {
        let caller = try app.caller(request)
        guard let form = FormKind(rawValue: try request.parameter("form")) else { throw APIError.notFound }
        let query = request.query
        let object = try ObjectRef.parse("registration:" + (query["application"] ?? ""))
        guard try app.readAccess(to: object, caller: caller) != nil else { throw APIError.notFound }
        guard let data = try app.identity.formData(applicationID: object.id) else { throw APIError.notFound }

        let font: TrueTypeFont
        do {
            font = try FormRenderer.loadFont()
        } catch {
            app.context.logger.error("form font unavailable", ["error": String(describing: error)])
            throw APIError(503, "font_unavailable", "表格生成暂时不可用（缺少中文字体），请联系管理员")
        }
        let input = FormInput(applicationID: data.applicationId,
                              fields: data.fields.map { FormField(label: $0.label, value: $0.value) },
                              generatedAt: Date())
        let pdf = FormRenderer.render(form, input, font: font)
        let code = FormRenderer.verificationCode(kind: form, input: input)
        let inline = ["1", "true", "yes"].contains((query["inline"] ?? "").lowercased())
        return Response(status: 200, contentType: "application/pdf", headers: [
            ("Content-Disposition", FileNames.contentDisposition(form.fileName(applicationID: data.applicationId), inline: inline)),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "private, no-store"),
            ("X-Verification-Code", code),
        ], body: pdf)
    }
}
