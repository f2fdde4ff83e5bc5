import Foundation
import KitCore
import KitPostgres
import Models

/// Dev-mode demo data (DEV_MODE=1 and SEED_DEMO=1): Zhejiang with two provincial centres, three
/// hospitals (the reporting service's demo gives them a year of history), the national centre
/// and a platform operator, each with a login; written to DEMO_LOGINS_FILE.
enum DemoSeed {
    struct Login { let username: String; let password: String; let who: String }

    static func run(_ app: IdentityApp) throws {
        let password = Env.string("DEMO_PASSWORD", "Demo@2026")
        let orgs = OrganisationStore(app: app)
        let users = UserStore(app: app)
        let logins: [Login] = try app.db.transaction { conn in
            try orgs.lockDemoSeed(conn)
            func centre(_ name: String, specialties: [String]) throws -> Organisation {
                if let existing = try orgs.centre(conn, name: name) { return existing }
                return try orgs.create(conn, kind: "provincial_centre", data: OrganisationData(name: name, specialties: specialties), regionCode: "330000")
            }
            func account(_ username: String, _ name: String, _ phone: String, _ org: Organisation, _ role: Role) throws -> Login {
                if try !users.usernameTaken(conn, username) {
                    let id = try users.create(conn, username: username, phone: phone, email: nil, displayName: name, orgID: org.id,
                                              mainAccountID: nil, password: password, phoneVerified: true, mustChangePassword: false)
                    // A centre's grants carry its specialties (one per specialty); national bodies none.
                    let specialties: [String?] = role == .provincialCentre ? org.specialties.map { Optional($0) } : [nil]
                    for specialty in specialties {
                        try users.grant(conn, userID: id, role: role, orgID: org.id, scopePath: org.scopePath, specialty: specialty)
                    }
                }
                return Login(username: username, password: password, who: "\(role.title) · \(org.name)")
            }
            let all = Specialty.all.map(\.code)
            let medicine = try centre("浙江省心血管病质控中心（内科）", specialties: Array(all.suffix(5)))
            let surgery = try centre("浙江省心血管病质控中心（外科介入）", specialties: Array(all.prefix(7)))
            // The reporting demo (Services/Reporting Engine/DemoData.swift) looks these up by name.
            func hospital(_ name: String, region: String, licence: String) throws -> Organisation {
                if let existing = try orgs.institution(conn, region: region, name: name) { return existing }
                return try orgs.create(conn, kind: "institution",
                                       data: OrganisationData(name: name, licenceNo: licence, level: "三级甲等", category: "综合医院"),
                                       regionCode: region)
            }
            let hangzhou = try hospital("浙江省人民医院（演示）", region: "330100", licence: "DEMO33010000000000000A")
            let ningbo = try hospital("宁波市第一医院（演示）", region: "330200", licence: "DEMO33020000000000000B")
            let wenzhou = try hospital("温州市中心医院（演示）", region: "330300", licence: "DEMO33030000000000000C")
            guard let national = try orgs.get(conn, id: "00000000-0000-7000-8000-000000000002"),
                  let platform = try orgs.get(conn, id: "00000000-0000-7000-8000-000000000001") else { return [] }
            return [
                try account("zj_centre_a", "浙江内科质控", "13900000001", medicine, .provincialCentre),
                try account("zj_centre_b", "浙江外科质控", "13900000002", surgery, .provincialCentre),
                try account("zj_hospital_a", "浙江省人民医院质控科", "13900000011", hangzhou, .institutionAdmin),
                try account("zj_hospital_b", "宁波市第一医院质控科", "13900000012", ningbo, .institutionAdmin),
                try account("zj_hospital_c", "温州市中心医院质控科", "13900000013", wenzhou, .institutionAdmin),
                try account("national", "国家质控中心", "13900000003", national, .nationalCentre),
                try account("operator", "平台运营", "13900000004", platform, .platformOperator),
            ]
        }
        if let path = Env.optional("DEMO_LOGINS_FILE") {
            let text = logins.map { "\($0.username) / \($0.password)   \($0.who)" }.joined(separator: "\n") + "\n"
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        app.context.logger.info("demo data ready", ["accounts": String(logins.count)])
    }
}
