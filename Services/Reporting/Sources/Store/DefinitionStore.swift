import Foundation
import KitPostgres

/// Programs, forms, versions, indicators and rules (read-only data from the migrations) and
/// announced windows.
enum DefinitionStore {
    private static let programColumns = """
        p.id::text AS id, p.code, p.name, p.description, p.period_type, p.window_rule, p.open_after_months, p.open_after_days,
        p.close_after_months, p.close_after_days, p.deadline_text, p.late_entry, p.entry_roles, p.reader_roles,
        p.reviewer_roles, p.org_kinds, p.review_chain, p.review_specialty, p.modification_chain, p.enrolment_chain, p.specialty,
        p.binding_chain, p.binding_specialty
        """

    /// Every program, with whether `orgID` is enrolled (false when nil).
    static func programs(_ conn: PGConnection, orgID: String?) throws -> [(ProgramRecord, Bool)] {
        try conn.query("""
            SELECT \(programColumns),
                   EXISTS (SELECT 1 FROM enrolments e WHERE e.program_id = p.id AND e.org_id = $1) AS enrolled
            FROM programs p ORDER BY p.position, p.code
            """, [orgID]).rows.map { (try program($0), try $0.bool("enrolled")) }
    }

    static func program(_ conn: PGConnection, code: String) throws -> ProgramRecord? {
        try conn.query("SELECT \(programColumns) FROM programs p WHERE p.code = $1", [code]).first.map(program)
    }

    static func program(_ conn: PGConnection, id: String) throws -> ProgramRecord? {
        try conn.query("SELECT \(programColumns) FROM programs p WHERE p.id = $1::uuid", [id]).first.map(program)
    }

    /// Programs `orgID` is enrolled in, with the time it enrolled.
    static func enrolledPrograms(_ conn: PGConnection, orgID: String) throws -> [(ProgramRecord, Date)] {
        try conn.query("""
            SELECT \(programColumns), e.enrolled_at FROM programs p JOIN enrolments e ON e.program_id = p.id AND e.org_id = $1
            ORDER BY p.position, p.code
            """, [orgID]).rows.map { (try program($0), try $0.date("enrolled_at")) }
    }

    static func forms(_ conn: PGConnection, programID: String) throws -> [FormRecord] {
        try conn.query("""
            SELECT id::text AS id, program_id::text AS program_id, code, name FROM forms
            WHERE program_id = $1::uuid ORDER BY position, code
            """, [programID]).rows.map(form)
    }

    static func form(_ conn: PGConnection, programID: String, code: String) throws -> FormRecord? {
        try conn.query("""
            SELECT id::text AS id, program_id::text AS program_id, code, name FROM forms
            WHERE program_id = $1::uuid AND code = $2
            """, [programID, code]).first.map(form)
    }

    static func versions(_ conn: PGConnection, formID: String) throws -> [VersionRecord] {
        try conn.query("""
            SELECT id::text AS id, form_id::text AS form_id, code, name, first_period, last_period FROM form_versions
            WHERE form_id = $1::uuid ORDER BY first_period
            """, [formID]).rows.map(version)
    }

    /// The version in force for `period` (keys of one program compare as text).
    static func version(_ conn: PGConnection, formID: String, period: String) throws -> VersionRecord? {
        try conn.query("""
            SELECT id::text AS id, form_id::text AS form_id, code, name, first_period, last_period FROM form_versions
            WHERE form_id = $1::uuid AND first_period <= $2 AND (last_period IS NULL OR $2 <= last_period)
            ORDER BY first_period DESC LIMIT 1
            """, [formID, period]).first.map(version)
    }

    static func version(_ conn: PGConnection, id: String) throws -> VersionRecord? {
        try conn.query("""
            SELECT id::text AS id, form_id::text AS form_id, code, name, first_period, last_period FROM form_versions
            WHERE id = $1::uuid
            """, [id]).first.map(version)
    }

    /// A version's indicators (form order) and rules.
    static func definition(_ conn: PGConnection, version: VersionRecord) throws -> FormDefinition {
        let indicators = try conn.query("""
            SELECT id::text AS id, position, code, name, category, unit, type, required, min_value::text AS min_value,
                   max_value::text AS max_value, decimals, max_length, choices, help, formula_kind, operands,
                   factor::text AS factor
            FROM indicators WHERE version_id = $1::uuid ORDER BY position
            """, [version.id]).rows.map { r in
            IndicatorRecord(
                id: try r.string("id"), position: try r.int("position"), code: try r.string("code"),
                name: try r.string("name"), category: try r.string("category"), unit: try r.string("unit"),
                type: try r.decode(IndicatorType.self, "type"), required: try r.bool("required"),
                minValue: r.optionalString("min_value").flatMap { Decimal(string: $0) },
                maxValue: r.optionalString("max_value").flatMap { Decimal(string: $0) },
                decimals: try r.int("decimals"), maxLength: try r.int("max_length"), choices: try r.stringArray("choices"),
                help: try r.string("help"), formula: try r.decodeIfPresent(FormulaKind.self, "formula_kind"),
                operands: try r.stringArray("operands"), factor: Decimal(string: try r.string("factor")) ?? 100)
        }
        let rules = try conn.query("""
            SELECT left_codes, right_code, message FROM rules WHERE version_id = $1::uuid ORDER BY position
            """, [version.id]).rows.map { r in
            RuleRecord(leftCodes: try r.stringArray("left_codes"), rightCode: try r.string("right_code"),
                       message: try r.string("message"))
        }
        return FormDefinition(version: version, indicators: indicators, rules: rules)
    }

    // MARK: announced windows

    static func window(_ conn: PGConnection, programID: String, period: String) throws -> Window? {
        try conn.query("""
            SELECT opens_at, closes_at FROM program_windows WHERE program_id = $1::uuid AND period = $2
            """, [programID, period]).first.map { Window(opensAt: try $0.date("opens_at"), closesAt: try $0.date("closes_at")) }
    }

    /// Every window the platform set for the program, by period (a handful: announced surveys,
    /// reopened or extended periods).
    static func windows(_ conn: PGConnection, programID: String) throws -> [String: Window] {
        var out: [String: Window] = [:]
        for row in try conn.query("SELECT period, opens_at, closes_at FROM program_windows WHERE program_id = $1::uuid",
                                  [programID]).rows {
            out[try row.string("period")] = Window(opensAt: try row.date("opens_at"), closesAt: try row.date("closes_at"))
        }
        return out
    }

    /// Announced periods whose window contains `now`.
    static func openAnnouncedPeriods(_ conn: PGConnection, programID: String, now: Date) throws -> [(String, Window)] {
        try conn.query("""
            SELECT period, opens_at, closes_at FROM program_windows
            WHERE program_id = $1::uuid AND opens_at <= $2 AND closes_at > $2 ORDER BY period DESC
            """, [programID, now]).rows.map {
            (try $0.string("period"), Window(opensAt: try $0.date("opens_at"), closesAt: try $0.date("closes_at")))
        }
    }

    static func announce(_ conn: PGConnection, programID: String, period: String, window: Window) throws {
        try conn.query("""
            INSERT INTO program_windows (program_id, period, opens_at, closes_at) VALUES ($1::uuid, $2, $3, $4)
            ON CONFLICT (program_id, period) DO UPDATE SET opens_at = excluded.opens_at, closes_at = excluded.closes_at,
                announced_at = now()
            """, [programID, period, window.opensAt, window.closesAt])
    }

    // MARK: rows

    private static func program(_ r: PGRow) throws -> ProgramRecord {
        ProgramRecord(
            id: try r.string("id"), code: try r.string("code"), name: try r.string("name"),
            description: try r.string("description"), periodType: try r.decode(PeriodType.self, "period_type"),
            windowRule: ProgramRecord.WindowRule(rawValue: try r.string("window_rule")) ?? .offset,
            openAfterMonths: try r.int("open_after_months"), openAfterDays: try r.int("open_after_days"),
            closeAfterMonths: try r.int("close_after_months"), closeAfterDays: try r.int("close_after_days"),
            deadlineText: try r.string("deadline_text"), lateEntry: try r.bool("late_entry"),
            entryRoles: try r.stringArray("entry_roles"), readerRoles: try r.stringArray("reader_roles"),
            reviewerRoles: try r.stringArray("reviewer_roles"), orgKinds: try r.stringArray("org_kinds"),
            reviewChain: r.optionalString("review_chain"), reviewSpecialty: r.optionalString("review_specialty"),
            modificationChain: r.optionalString("modification_chain"), enrolmentChain: r.optionalString("enrolment_chain"),
            specialty: r.optionalString("specialty"), bindingChain: r.optionalString("binding_chain"),
            bindingSpecialty: r.optionalString("binding_specialty"))
    }

    private static func form(_ r: PGRow) throws -> FormRecord {
        FormRecord(id: try r.string("id"), programID: try r.string("program_id"), code: try r.string("code"),
                   name: try r.string("name"))
    }

    private static func version(_ r: PGRow) throws -> VersionRecord {
        VersionRecord(id: try r.string("id"), formID: try r.string("form_id"), code: try r.string("code"),
                      name: try r.string("name"), firstPeriod: try r.string("first_period"),
                      lastPeriod: r.optionalString("last_period"))
    }
}

extension PeriodType: PGDecodable {
    init(pgText: String) throws {
        guard let v = PeriodType(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown period type") }
        self = v
    }
}

extension IndicatorType: PGDecodable {
    init(pgText: String) throws {
        guard let v = IndicatorType(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown indicator type") }
        self = v
    }
}

extension FormulaKind: PGDecodable {
    init(pgText: String) throws {
        guard let v = FormulaKind(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown formula") }
        self = v
    }
}
