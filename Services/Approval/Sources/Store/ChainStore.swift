import KitPostgres

/// Chains and their stages (seeded by migration 002; programs add their own).
enum ChainStore {
    static func all(_ conn: PGConnection, includeInactive: Bool) throws -> [Chain] {
        let chains = try conn.query("""
            SELECT code, request_type, name, decisions, specialty_required, reason_required, reason_max, active
            FROM chains WHERE active OR $1::boolean ORDER BY request_type, code
            """, [includeInactive]).rows
        let stages = try conn.query("""
            SELECT chain_code, idx, name, role, scope, specialty_match, rule, org_kind
            FROM chain_stages ORDER BY chain_code, idx
            """).rows
        var byChain: [String: [ChainStage]] = [:]
        for row in stages { byChain[try row.string("chain_code"), default: []].append(try stage(row)) }
        return try chains.map { try chain($0, stages: byChain[try $0.string("code")] ?? []) }
    }

    static func find(_ conn: PGConnection, code: String) throws -> Chain? {
        guard let row = try conn.query("""
            SELECT code, request_type, name, decisions, specialty_required, reason_required, reason_max, active
            FROM chains WHERE code = $1
            """, [code]).first else { return nil }
        let stages = try conn.query("""
            SELECT chain_code, idx, name, role, scope, specialty_match, rule, org_kind
            FROM chain_stages WHERE chain_code = $1 ORDER BY idx
            """, [code]).rows.map(stage)
        return try chain(row, stages: stages)
    }

    /// Creates or replaces a chain and its stages. Requests in flight keep their own copy.
    static func upsert(_ conn: PGConnection, _ c: Chain) throws {
        try conn.query("""
            INSERT INTO chains (code, request_type, name, decisions, specialty_required, reason_required, reason_max, active)
            VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8)
            ON CONFLICT (code) DO UPDATE SET request_type = EXCLUDED.request_type, name = EXCLUDED.name,
                decisions = EXCLUDED.decisions, specialty_required = EXCLUDED.specialty_required,
                reason_required = EXCLUDED.reason_required, reason_max = EXCLUDED.reason_max,
                active = EXCLUDED.active, updated_at = now()
            """, [c.code, c.requestType, c.name, c.decisions.map(\.rawValue), c.specialtyRequired, c.reasonRequired,
                  c.reasonMax, c.active])
        try conn.query("DELETE FROM chain_stages WHERE chain_code = $1", [c.code])
        for s in c.stages {
            try conn.query("""
                INSERT INTO chain_stages (chain_code, idx, name, role, scope, specialty_match, rule, org_kind)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [c.code, s.index, s.name, s.role, s.scope.rawValue, s.specialtyMatch, s.rule.rawValue, s.orgKind])
        }
    }

    private static func chain(_ row: PGRow, stages: [ChainStage]) throws -> Chain {
        Chain(code: try row.string("code"), requestType: try row.string("request_type"), name: try row.string("name"),
              decisions: try row.stringArray("decisions").compactMap(Decision.init(rawValue:)),
              specialtyRequired: try row.bool("specialty_required"), reasonRequired: try row.bool("reason_required"),
              reasonMax: try row.optionalInt("reason_max"), active: try row.bool("active"), stages: stages)
    }

    private static func stage(_ row: PGRow) throws -> ChainStage {
        ChainStage(index: try row.int("idx"), name: try row.string("name"), role: try row.string("role"),
                   scope: try row.decode(ScopeLevel.self, "scope"), specialtyMatch: try row.bool("specialty_match"),
                   rule: try row.decode(StageRule.self, "rule"), orgKind: row.optionalString("org_kind"))
    }
}
