import Foundation

/// One row of a form's data table: a label and the value filled in from the application.
public struct FormField: Sendable, Equatable {
    public var label: String
    public var value: String

    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// The data a form is filled with.
public struct FormInput: Sendable, Equatable {
    /// The application identifier printed on every page.
    public var applicationID: String
    /// Rendered in order as a two-column table (label | value).
    public var fields: [FormField]
    /// Printed on the form and written as the PDF creation date (Asia/Shanghai time).
    public var generatedAt: Date

    public init(applicationID: String, fields: [FormField], generatedAt: Date) {
        self.applicationID = applicationID
        self.fields = fields
        self.generatedAt = generatedAt
    }
}

/// The four registration forms.
public enum FormKind: String, CaseIterable, Sendable {
    case accountApplication = "account-application"
    case confidentialityPledge = "confidentiality-pledge"
    case institutionInfo = "institution-info"
    case termsConsent = "terms-consent"

    /// The Chinese title printed at the top of the form.
    public var title: String {
        switch self {
        case .accountApplication: return "账号申请表"
        case .confidentialityPledge: return "保密承诺函"
        case .institutionInfo: return "医疗机构信息收集表"
        case .termsConsent: return "系统使用须知及同意书"
        }
    }

    /// A download file name, e.g. `账号申请表-APP-001.pdf` (path separators in the id are replaced).
    public func fileName(applicationID: String) -> String {
        let safeID = String(applicationID.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "_" : $0 })
        return "\(title)-\(safeID).pdf"
    }
}
