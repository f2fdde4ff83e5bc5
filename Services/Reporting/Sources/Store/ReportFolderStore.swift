import KitPostgres

/// Documents keeps a report's files in the folder `report:<id>`, where the id is a report's or
/// a registry year's (the stroke year's scan). Which program such a folder belongs to.
enum ReportFolderStore {
    /// The program code of the report or registry year `id`; nil when it is neither.
    static func program(_ conn: PGConnection, id: String) throws -> String? {
        try conn.query("""
            SELECT p.code FROM reports r JOIN programs p ON p.id = r.program_id WHERE r.id = $1::uuid
            UNION ALL
            SELECT p.code FROM registry_years y JOIN programs p ON p.id = y.program_id WHERE y.id = $1::uuid
            LIMIT 1
            """, [id]).first?.optionalString("code")
    }
}
