import KitMedia
import Models

/// The service's refusals: the shared codes where one exists (payload_too_large,
/// unsupported_media_type, not_found …), else snake_case codes of their own, one per cause.
enum DocumentErrors {
    static func tooLarge(_ kind: DocumentKind) -> APIError {
        APIError(413, "payload_too_large", "文件过大：\(kind.name)每个文件不能超过 \(kind.sizeText)", field: "file")
    }

    static func tooManyFiles(_ kind: DocumentKind) -> APIError {
        APIError(409, "too_many_files", "\(kind.name)最多只能上传 \(kind.maxFiles) 个文件，请先删除不需要的文件", field: "file")
    }

    static let sealed = APIError(409, "document_sealed", "文件已随申请提交，不能删除；如需更正请上传新版本")

    static let evidenceLocked = APIError(409, "evidence_locked",
        "审批人已开始审核该申请，已提交的材料不能再替换或增加；如需变更，请提交新的申请，经审核后生效")

    static let empty = APIError(422, "empty_file", "文件为空（0 字节），请重新选择文件", field: "file")

    static func unknownKind(_ code: String?) -> APIError {
        APIError(422, "invalid_kind", code == nil ? "缺少文件类别（kind）" : "不支持的文件类别：\(code!)", field: "kind")
    }

    static func notAccepted(_ type: FileKind, _ kind: DocumentKind) -> APIError {
        APIError(415, "unsupported_media_type",
                 "文件内容是 \(label(type))，\(kind.name)只接受 \(kind.typeList) 格式", field: "file")
    }

    static func unrecognised(_ kind: DocumentKind) -> APIError {
        APIError(415, "unsupported_media_type",
                 "无法识别的文件格式，\(kind.name)只接受 \(kind.typeList) 格式（以文件内容为准，不看扩展名）", field: "file")
    }

    static func truncated(_ type: FileKind) -> APIError {
        APIError(422, "truncated_file", "\(label(type))不完整（文件被截断），请重新扫描或导出后上传", field: "file")
    }

    static func malformed(_ type: FileKind) -> APIError {
        APIError(422, "malformed_file", "文件已损坏，不是有效的 \(label(type))，请重新导出后上传", field: "file")
    }

    static func tooManyPixels(_ width: Int, _ height: Int) -> APIError {
        APIError(422, "image_too_large", "图片像素过大（\(width)×\(height)），超出任何扫描件的尺寸，请缩小后上传（不超过5000万像素）",
                 field: "file")
    }

    static let polyglot = APIError(422, "polyglot_file", "文件中夹带了其他格式的内容（如网页、脚本或压缩包），出于安全原因不能上传", field: "file")

    static let missingFile = APIError(400, "missing_file", "请选择要上传的文件（表单字段 file）", field: "file")
    static let oneFilePerRequest = APIError(400, "too_many_parts", "每次只能上传一个文件", field: "file")
    static let malformedMultipart = APIError(400, "malformed_multipart", "上传内容格式错误（multipart/form-data）")

    static func label(_ type: FileKind) -> String {
        switch type {
        case .pdf: return "PDF 文件"
        case .jpeg: return "JPG 图片"
        case .png: return "PNG 图片"
        case .gif: return "GIF 图片"
        case .bmp: return "BMP 图片"
        }
    }
}
