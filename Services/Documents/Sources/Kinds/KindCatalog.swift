import KitCore
import KitMedia

/// The document kinds and their limits: defaults from the seeds' manuals, each overridable
/// by environment variables (`<CODE>` is the kind's code in upper case):
/// - `DOC_MAX_BYTES_<CODE>`: largest file in bytes;
/// - `DOC_MAX_FILES_<CODE>`: most files of the kind on one object;
/// - `DOC_TYPES_<CODE>`: comma-separated accepted types (pdf, jpeg, png, gif, bmp).
struct KindCatalog: Sendable {
    static let mebibyte = 1_048_576
    /// Room for the multipart envelope around the file (boundaries, part headers, other fields).
    static let multipartAllowance = 64 * 1024

    let kinds: [DocumentKind]
    private let byCode: [String: DocumentKind]

    init(_ kinds: [DocumentKind]) {
        self.kinds = kinds
        var map: [String: DocumentKind] = [:]
        for k in kinds { map[k.code] = k }
        byCode = map
    }

    func kind(_ code: String) -> DocumentKind? { byCode[code] }

    /// The kind that accepts the largest file (the bound of a body whose kind is not known yet).
    var largest: DocumentKind {
        kinds.max { $0.maxBytes < $1.maxBytes }
            ?? DocumentKind(code: "file", name: "文件", types: [], maxBytes: 0, maxFiles: 0, source: "none")
    }

    /// Largest file any kind accepts.
    var largestFile: Int { largest.maxBytes }

    /// Largest request body an upload of `kindCode` may have: the kind's file limit plus the
    /// multipart envelope. Without a known kind, the largest kind's limit (the handler then
    /// answers with the clearer `invalid_kind`).
    func uploadBodyLimit(kindCode: String?) -> Int {
        guard let code = kindCode, let k = byCode[code] else { return largestFile + KindCatalog.multipartAllowance }
        return k.maxBytes + KindCatalog.multipartAllowance
    }

    /// Defaults, with the environment's overrides.
    static func fromEnvironment() -> KindCatalog {
        KindCatalog(defaults.map { k in
            let upper = k.code.uppercased()
            let maxBytes = Env.int("DOC_MAX_BYTES_\(upper)", k.maxBytes)
            let maxFiles = Env.int("DOC_MAX_FILES_\(upper)", k.maxFiles)
            var types = k.types
            if let list = Env.optional("DOC_TYPES_\(upper)") {
                let parsed = list.split(separator: ",").compactMap { parseType(String($0)) }
                if !parsed.isEmpty { types = parsed }
            }
            return DocumentKind(code: k.code, name: k.name, types: types, maxBytes: max(1, maxBytes),
                                maxFiles: max(1, maxFiles), source: k.source)
        })
    }

    static func parseType(_ s: String) -> FileKind? {
        switch s.trimmingCharacters(in: .whitespaces).lowercased() {
        case "pdf": return .pdf
        case "jpg", "jpeg": return .jpeg
        case "png": return .png
        case "gif": return .gif
        case "bmp": return .bmp
        default: return nil
        }
    }

    private static let tenMB = 10 * mebibyte
    private static let fiveMB = 5 * mebibyte

    /// The seeds: NCCQI takes PDF (forms, licence, qualification documents) and JPG/PNG pictures
    /// up to 10 MB; NCIS and HQMS take JPG or PDF, at most three files, each up to 5 MB; the
    /// stroke registry takes jpg/jpeg/bmp/gif pictures smaller than 5 MB.
    static let defaults: [DocumentKind] = [
        DocumentKind(code: "licence_scan", name: "医疗机构执业许可证扫描件", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 3, source: "NCCQI 10 MB; NCIS/HQMS 许可证扫描件"),
        DocumentKind(code: "signed_application_form", name: "账号申请表（签字盖章）", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 3, source: "NCCQI 账号申请表"),
        DocumentKind(code: "confidentiality_pledge", name: "保密承诺函（签字盖章）", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 3, source: "NCCQI 保密承诺函/数据保密协议"),
        DocumentKind(code: "qualification_approval", name: "质控中心资质批复文件", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 3, source: "NCCQI 省级质控中心首次申请"),
        DocumentKind(code: "practitioner_certificate", name: "亚专业负责人执业证书扫描件", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 3, source: "NCCQI 医疗机构亚专业首次申请"),
        DocumentKind(code: "legal_person_certificate", name: "事业单位法人证书照片", types: [.jpeg, .png, .bmp, .gif, .pdf],
                     maxBytes: fiveMB, maxFiles: 2, source: "脑血管病登记 单位注册"),
        DocumentKind(code: "unit_registration_form", name: "单位注册信息登记表（盖章）", types: [.jpeg, .png, .bmp, .gif, .pdf],
                     maxBytes: fiveMB, maxFiles: 2, source: "脑血管病登记 单位注册"),
        DocumentKind(code: "licence_photo", name: "医疗机构执业许可证照片", types: [.jpeg, .bmp, .gif],
                     maxBytes: fiveMB - 1, maxFiles: 1, source: "脑血管病登记 个人身份认证：jpg/jpeg/bmp/gif，小于 5 MB"),
        DocumentKind(code: "institution_info_form", name: "医疗机构信息收集表（签字或盖章）", types: [.jpeg, .pdf],
                     maxBytes: fiveMB, maxFiles: 3, source: "NCIS/HQMS：JPG 和 PDF，最多三份，每份不超过 5 MB"),
        DocumentKind(code: "liaison_form", name: "联络员信息表（盖章）", types: [.jpeg, .pdf],
                     maxBytes: fiveMB, maxFiles: 3, source: "浙江省医疗质量月度核心指标：联络员信息表（盖章）"),
        DocumentKind(code: "terms_consent_form", name: "系统使用须知及同意书（盖章）", types: [.jpeg, .pdf],
                     maxBytes: fiveMB, maxFiles: 3, source: "HQMS：JPG 和 PDF，每份不超过 5 MB"),
        DocumentKind(code: "annual_survey_scan", name: "年度调查表扫描件（附件4）", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 5, source: "脑血管病登记 附件4（扫描版）"),
        DocumentKind(code: "case_abstract_file", name: "病案首页附件", types: [.pdf, .jpeg, .png],
                     maxBytes: tenMB, maxFiles: 10, source: "病案首页/个案附件扫描件"),
    ]
}
