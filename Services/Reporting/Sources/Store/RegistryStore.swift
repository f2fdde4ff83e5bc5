import Foundation
import KitPostgres

/// Registry definitions (versions, fields, rules).
enum RegistryStore {
    private static let columns = """
        r.id::text AS id, r.program_id::text AS program_id, p.code AS program_code, r.code, r.version, r.name,
        r.short_name, r.first_period, r.last_period
        """

    /// Every registry version of a program (all codes), by position then version.
    static func ofProgram(_ conn: PGConnection, programID: String) throws -> [RegistryDefinition] {
        try load(conn, try conn.query("SELECT " + columns + """
             FROM registries r JOIN programs p ON p.id = r.program_id WHERE r.program_id = $1::uuid
             ORDER BY r.position, r.code, r.first_period
            """, [programID]).rows)
    }

    /// Every version of a registry code.
    static func versions(_ conn: PGConnection, code: String) throws -> [RegistryDefinition] {
        try load(conn, try conn.query("SELECT " + columns + """
             FROM registries r JOIN programs p ON p.id = r.program_id WHERE r.code = $1 ORDER BY r.first_period
            """, [code]).rows)
    }

    static func byID(_ conn: PGConnection, id: String) throws -> RegistryDefinition? {
        try load(conn, try conn.query("SELECT " + columns + " FROM registries r JOIN programs p ON p.id = r.program_id WHERE r.id = $1::uuid",
                                      [id]).rows).first
    }

    /// The version of each registry code that covers `period`.
    static func forPeriod(_ all: [RegistryDefinition], period: String) -> [RegistryDefinition] {
        all.filter { $0.firstPeriod <= period && ($0.lastPeriod.map { period <= $0 } ?? true) }
    }

    private static func load(_ conn: PGConnection, _ rows: [PGRow]) throws -> [RegistryDefinition] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.string("id") }
        var fields: [String: [RegistryField]] = [:]
        for f in try conn.query("""
            SELECT registry_id::text AS rid, code, label, type, required, is_key, identifier, mask, min_value::text AS min_v,
                   max_value::text AS max_v, decimals, max_length, choices, help
            FROM registry_fields WHERE registry_id = ANY ($1::uuid[]) ORDER BY registry_id, position
            """, [ids]).rows {
            guard let type = RegistryFieldType(rawValue: try f.string("type")) else {
                throw PGError(kind: .decode, message: "unknown registry field type")
            }
            fields[try f.string("rid"), default: []].append(RegistryField(
                code: try f.string("code"), label: try f.string("label"), type: type, required: try f.bool("required"),
                isKey: try f.bool("is_key"), identifier: try f.bool("identifier"), mask: f.optionalString("mask"),
                minValue: f.optionalString("min_v").flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) },
                maxValue: f.optionalString("max_v").flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) },
                decimals: try f.int("decimals"), maxLength: try f.int("max_length"), choices: try f.stringArray("choices"),
                help: try f.string("help")))
        }
        var rules: [String: [RegistryRule]] = [:]
        for r in try conn.query("""
            SELECT registry_id::text AS rid, field, when_field, when_value, message FROM registry_rules
            WHERE registry_id = ANY ($1::uuid[]) ORDER BY registry_id, position
            """, [ids]).rows {
            rules[try r.string("rid"), default: []].append(RegistryRule(
                field: try r.string("field"), whenField: try r.string("when_field"), whenValue: try r.string("when_value"),
                message: try r.string("message")))
        }
        return try rows.map { r in
            let id = try r.string("id")
            return RegistryDefinition(id: id, programID: try r.string("program_id"), programCode: try r.string("program_code"),
                                      code: try r.string("code"), version: try r.string("version"), name: try r.string("name"),
                                      shortName: try r.string("short_name"), firstPeriod: try r.string("first_period"),
                                      lastPeriod: r.optionalString("last_period"), fields: fields[id] ?? [], rules: rules[id] ?? [])
        }
    }
}
