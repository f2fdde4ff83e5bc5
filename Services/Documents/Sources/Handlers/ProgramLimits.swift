import KitMedia
import Models

/// A registration folder's program limits at upload (NCIS: at most three files on the
/// application, the licence scan included, each JPG or PDF of at most 5 MiB). Identity says
/// which apply (`UploadPolicy`); documents enforces them while the file streams in (asked on
/// another thread, `Admission`): the size on every piece once known and on the written file
/// (413), the type on the written file (415), the count while the body arrives and again in
/// the insert's transaction (409).
struct ProgramLimits: Sendable {
    let programName: String
    let maxFiles: Int?
    let maxBytes: Int?
    let types: [FileKind]?

    init?(_ policy: UploadPolicy?) {
        guard let policy, policy.limits else { return nil }
        programName = policy.programName ?? policy.program ?? "该项目"
        maxFiles = policy.maxFiles
        maxBytes = policy.maxBytes
        types = policy.types.map { $0.compactMap(KindCatalog.parseType) }
    }

    /// The kind with the program's size bound (the smaller of the two): the stream's size check
    /// then refuses at the program's bound.
    func restrict(_ kind: DocumentKind) -> DocumentKind {
        maxBytes.map(kind.bounded) ?? kind
    }

    /// Refuses a written file of a type the program does not take.
    func checkType(_ file: NewFile) throws {
        guard let types, let type = FileKind(rawValue: file.fileType), !types.contains(type) else { return }
        let list = types.map { $0 == .jpeg ? "JPG" : $0.rawValue.uppercased() }.joined(separator: " 和 ")
        throw APIError(415, "type_not_allowed",
                       "\(programName)的申请材料只支持 \(list) 格式，该文件是 \(DocumentErrors.label(type))", field: "file")
    }

    func tooMany(_ limit: Int) -> APIError {
        APIError(409, "too_many_documents",
                 "\(programName)每份申请最多只允许上传\(Self.chinese(limit))份文件（含执业许可证扫描件），请先删除不需要的文件", field: "file")
    }

    static func chinese(_ n: Int) -> String {
        let digits = ["零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"]
        return n >= 0 && n <= 10 ? digits[n] : String(n)
    }
}
