import Foundation

/// `POST /api/reporting/v1/reports` `{"program":"zj_monthly","form":"core","period":"2019-01"}`
struct CreateReportBody: Decodable, Sendable {
    var program: String
    var form: String
    var period: String
}

/// `PUT /api/reporting/v1/reports/:id/values` `{"values":{"B01":1200,"C09":"张三","B02":null}}`:
/// a partial draft; null or "" clears a field.
struct SaveValuesBody: Decodable, Sendable {
    var values: [String: InputValue]
    /// 说明 per value, at most 200 characters; null or "" removes one.
    var comments: [String: String?]?
}

/// `PUT /api/reporting/v1/internal/programs/:code/windows/:period` `{"opensAt":…,"closesAt":…}`
struct AnnounceWindowBody: Decodable, Sendable {
    var opensAt: Date
    var closesAt: Date
}

/// `POST /api/reporting/v1/reports/:id/modification` `{"reason":"…"}` (at most 200 characters).
struct ModificationBody: Decodable, Sendable {
    var reason: String?
}
