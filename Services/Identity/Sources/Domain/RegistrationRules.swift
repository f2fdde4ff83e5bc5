import Foundation
import KitCore
import Models

/// Which applications are complete, and which approval chain each goes to (docs/contracts.md).
enum RegistrationRules {
    /// Roles one can apply for in the registration wizard.
    static let applicable: [Role] = [.provincialCentre, .cityCommission, .institutionAdmin, .specialtyAdmin, .dataEntry]

    /// The programs one registers for (the seeds): NCIS and HQMS institutions are reviewed by
    /// the platform, the others by the centres. No program given: NCCQI.
    static let programs: [(code: String, title: String)] = [
        ("nccqi", "国家心血管病医疗质量控制（NCCQI）"), ("ncis", "全国医疗质量数据抽样调查（NCIS）"),
        ("stroke", "脑卒中登记"), ("hqms", "HQMS 流感监测"), ("zhejiang", "浙江省医疗质量月度核心指标"),
    ]

    static func isProgram(_ code: String) -> Bool { programs.contains { $0.code == code } }

    static func chain(_ role: Role, program: String?) -> String {
        switch role {
        case .provincialCentre: return "provincial_centre_registration"
        case .institutionAdmin: return ["ncis", "hqms"].contains(program ?? "") ? "platform_registration" : "institution_admin_registration"
        case .specialtyAdmin: return "specialty_admin_registration"
        case .dataEntry: return "data_entry_registration"
        default: return "platform_registration"
        }
    }

    /// The organisation kind an approved application creates, when it brings new organisation data.
    static func organisationKind(_ role: Role) -> String? {
        switch role {
        case .provincialCentre: return "provincial_centre"
        case .cityCommission: return "city_commission"
        case .institutionAdmin: return "institution"
        default: return nil
        }
    }

    /// Checks everything a submission needs; throws the first problem with its field.
    /// `region` is the application's region as stored, `org` the existing organisation it joins.
    /// A provincial centre sits in a province, a city commission in a prefecture-level city, an
    /// institution in a city or a county of it; a second member of a centre or commission joins
    /// the existing organisation of the same region (its specialties within the centre's).
    static func validateForSubmit(_ a: Application, org: Organisation?, region: Region?) throws {
        guard let role = a.role else { throw APIError.invalid("role", "请选择用户类型", code: "missing_field") }
        guard a.regionCode != nil, let region else { throw APIError.invalid("regionCode", "请选择所在地区", code: "missing_field") }
        let orgKind = org?.kind
        switch role {
        case .provincialCentre:
            guard region.level == "province" else { throw APIError.invalid("regionCode", "省级质控中心请选择所在省份") }
            guard !a.specialties.isEmpty else { throw APIError.invalid("specialties", "请选择质控中心负责的亚专业", code: "missing_field") }
            if let org {
                guard org.kind == "provincial_centre", org.regionCode == region.code else {
                    throw APIError.invalid("orgId", "所选质控中心不在该省份", code: "organisation_mismatch")
                }
                guard Set(a.specialties).isSubset(of: Set(org.specialties)) else {
                    throw APIError.invalid("specialties", "所选亚专业超出该质控中心负责的范围", code: "specialty_not_covered")
                }
            } else {
                guard let o = a.orgData else { throw APIError.invalid("organisation", "请填写质控中心信息", code: "missing_field") }
                try Validate.text(o.name, field: "organisation.name", label: "质控中心名称", max: 60)
            }
        case .cityCommission:
            guard region.level == "city" else { throw APIError.invalid("regionCode", "请选择所在城市") }
            if let org {
                guard org.kind == "city_commission", org.regionCode == region.code else {
                    throw APIError.invalid("orgId", "所选单位不在该城市", code: "organisation_mismatch")
                }
            } else {
                guard let o = a.orgData else { throw APIError.invalid("organisation", "请填写单位信息", code: "missing_field") }
                try Validate.text(o.name, field: "organisation.name", label: "单位名称", max: 60)
            }
        case .institutionAdmin:
            guard region.level == "city" || region.level == "county" else {
                throw APIError.invalid("regionCode", "请选择医疗机构所在城市或区县")
            }
            if a.orgID == nil {
                guard let o = a.orgData else { throw APIError.invalid("organisation", "请填写医疗机构信息", code: "missing_field") }
                try validateInstitution(o)
            } else if orgKind != "institution" {
                throw APIError.invalid("orgId", "所选医疗机构不存在")
            }
        case .specialtyAdmin, .dataEntry:
            guard a.orgID != nil, orgKind == "institution" else {
                throw APIError.invalid("orgId", "请选择已注册的医疗机构（医疗机构须先由管理员注册）", code: "missing_field")
            }
            guard a.specialties.count == 1 else { throw APIError.invalid("specialties", "请选择一个亚专业", code: "missing_field") }
            if a.person?.physician == true {
                guard role == .dataEntry else { throw APIError.invalid("person.physician", "医师个人账号只能以数据录入员/医师身份申请", code: "physician_role") }
                guard physicianSpecialties.contains(a.specialties[0]) else {
                    throw APIError.invalid("specialties", "医师个人账号仅用于冠心病介入、先心病介入、心律失常介入", code: "physician_specialty_not_allowed")
                }
            }
        default:
            throw APIError.invalid("role", "不支持的用户类型")
        }
        guard let p = a.person else { throw APIError.invalid("person", "请填写申请人信息", code: "missing_field") }
        try Validate.name(p.name, field: "person.name")
        guard !a.documentIDs.isEmpty else { throw APIError.invalid("documentIds", "请上传盖章后的申请材料扫描件", code: "missing_field") }
        if let max = maxFiles(program: a.program), a.documentIDs.count > max {
            throw APIError.invalid("documentIds", "全国医疗质量数据抽样调查最多只允许上传三份文件（含执业许可证扫描件）", code: "too_many_documents")
        }
    }

    /// The kinds of material (documents' kind codes) an application must carry, by role, program
    /// and whether it brings a new organisation (the seeds: 账号申请表 and 保密承诺函 always; a new
    /// provincial centre its 资质批复; a new institution its licence scan, for HQMS the stamped
    /// 系统使用须知及同意书, for the stroke registry 单位注册信息登记表 and 事业单位法人证书; a
    /// specialty administrator the 执业证书).
    static func requiredKinds(_ role: Role, program: String?, newOrganisation: Bool) -> [(kind: String, title: String)] {
        var kinds: [(String, String)] = [("signed_application_form", "账号申请表（签字盖章）"), ("confidentiality_pledge", "保密承诺函（签字盖章）")]
        switch role {
        case .provincialCentre where newOrganisation:
            kinds.append(("qualification_approval", "质控中心资质批复文件"))
        case .institutionAdmin:
            if newOrganisation { kinds.append(("licence_scan", "医疗机构执业许可证扫描件")) }
            if program == "hqms" { kinds.append(("terms_consent_form", "系统使用须知及同意书（盖章）")) }
            if program == "zhejiang" && newOrganisation { kinds.append(("liaison_form", "联络员信息表（盖章）")) }
            if program == "stroke" && newOrganisation {
                kinds.append(("unit_registration_form", "单位注册信息登记表（盖章）"))
                kinds.append(("legal_person_certificate", "事业单位法人证书照片"))
            }
        case .specialtyAdmin:
            kinds.append(("practitioner_certificate", "亚专业负责人执业证书扫描件"))
        default:
            break
        }
        return kinds
    }

    /// A file of the application as documents lists it.
    struct Listed: Sendable {
        var id: String
        var kind: String
        var size: Int
        var fileType: String
    }

    /// NCIS (the seeds: 上传文件支持格式 JPG和PDF，最多只允许上传三份文件，每份文件的大小不能超过5M):
    /// at most three files, each JPG or PDF of at most 5 MiB, the licence scan included.
    static let ncisMaxFiles = 3
    static let ncisMaxBytes = 5 * 1024 * 1024
    static let ncisFileTypes: Set<String> = ["pdf", "jpeg"]

    /// 医师个人 accounts exist only for 冠心病介入、先心病介入、心律失常介入 (the seeds' role table).
    static let physicianSpecialties: Set<String> = ["coronary_intervention", "congenital_intervention", "arrhythmia_intervention"]

    /// The number of files a program allows on one application (nil: the general bound).
    static func maxFiles(program: String?) -> Int? { uploadLimits(program: program)?.maxFiles }

    /// A program's limits on the files of one application (nil: documents' per-kind limits only).
    /// Checked at upload by documents (`internal/applications/:id/upload-policy`) and again at
    /// save and submit here (`checkMaterialLimits`).
    static func uploadLimits(program: String?) -> (maxFiles: Int, maxBytes: Int, types: Set<String>)? {
        program == "ncis" ? (ncisMaxFiles, ncisMaxBytes, ncisFileTypes) : nil
    }

    /// NCIS's limits on the files chosen for the application: their number, type and size.
    static func checkMaterialLimits(program: String?, ids: [String], onApplication: [Listed]) throws {
        guard program == "ncis" else { return }
        if ids.count > ncisMaxFiles {
            throw APIError.invalid("documentIds", "全国医疗质量数据抽样调查最多只允许上传三份文件（含执业许可证扫描件）", code: "too_many_documents")
        }
        let chosen = Set(ids.map { $0.lowercased() })
        for d in onApplication where chosen.contains(d.id.lowercased()) {
            guard ncisFileTypes.contains(d.fileType) else {
                throw APIError.invalid("upload:\(d.kind)", "上传文件只支持 JPG 和 PDF 格式", code: "unsupported_file_type")
            }
            guard d.size <= ncisMaxBytes else {
                throw APIError.invalid("upload:\(d.kind)", "每份文件的大小不能超过5M，请压缩图片后重新上传", code: "file_too_large")
            }
        }
    }

    /// Every listed document id belongs to the application (documents lists the files of
    /// `registration:<id>` only), and every required kind is among them. 422 otherwise.
    static func checkDocuments(ids: [String], onApplication: [Listed], required: [(kind: String, title: String)]) throws {
        let own = Set(onApplication.map { $0.id.lowercased() })
        guard ids.allSatisfy({ own.contains($0.lowercased()) }) else {
            throw APIError.invalid("documentIds", "所列材料不属于本申请，请重新上传", code: "document_not_owned")
        }
        let chosen = Set(ids.map { $0.lowercased() })
        let present = Set(onApplication.filter { chosen.contains($0.id.lowercased()) }.map(\.kind))
        for r in required where !present.contains(r.kind) {
            throw APIError.invalid("upload:\(r.kind)", "请上传\(r.title)", code: "missing_document")
        }
    }

    static func validateInstitution(_ o: OrganisationData) throws {
        try Validate.text(o.name, field: "organisation.name", label: "医疗机构名称", max: 60)
        guard let licence = o.licenceNo, ChineseFormats.isLicenceNumber(licence) else {
            throw APIError.invalid("organisation.licenceNo", "执业许可证登记号应为22位字母或数字", code: "invalid_licence")
        }
        if let credit = o.creditCode, !credit.isEmpty, !ChineseFormats.isCreditCode(credit) {
            throw APIError.invalid("organisation.creditCode", "统一社会信用代码格式或校验位错误", code: "invalid_credit_code")
        }
        try Validate.text(o.level, field: "organisation.level", label: "医院等级", max: 20)
        try Validate.text(o.category, field: "organisation.category", label: "机构类别", max: 30)
        try Validate.text(o.address, field: "organisation.address", label: "机构地址", max: 120)
        try Validate.text(o.headName, field: "organisation.headName", label: "负责人姓名", max: 30)
        if let p = o.headPhone, !p.isEmpty, !ChineseFormats.isMobile(p) {
            throw APIError.invalid("organisation.headPhone", "请输入正确的11位手机号", code: "invalid_phone")
        }
        if let p = o.contactPhone, !p.isEmpty, !ChineseFormats.isMobile(p) {
            throw APIError.invalid("organisation.contactPhone", "请输入正确的11位手机号", code: "invalid_phone")
        }
    }
}
