import KitPostgres

/// SQL pieces shared by the queries that decide who approves what. The caller's grants are
/// always `$1…$4` (roles, organisation ids, scope paths, specialties) and joined as `g`; the
/// request is `r`, its stage `s`.
enum ScopeSQL {
    static let grants = """
        WITH g AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS g(role, org_id, scope_path, specialty))
        """

    /// Pending stages a grant may approve, found through `request_stages_pending_scope`: the
    /// stage's role, scope path in the grant's subtree (index range, then the exact check).
    static let pendingStagesOfGrant = """
        s.status = 'pending' AND s.role = g.role
        AND (s.scope_path COLLATE "C") >= (g.scope_path COLLATE "C")
        AND (s.scope_path COLLATE "C") < ((g.scope_path || '0') COLLATE "C")
        """

    /// The grant holds the stage's role, covers the stage's scope path and, where the stage
    /// asks, is of the request's specialty: strictly equal. A grant without a specialty is of no
    /// specialty (it never stands for "every specialty"), and a specialty-bound stage always has
    /// a request specialty (the opener refuses one without).
    static let grantMatchesStage = """
        g.role = s.role AND path_covers(g.scope_path, s.scope_path)
        AND (NOT s.specialty_match OR (r.specialty IS NOT NULL AND g.specialty IS NOT NULL AND g.specialty = r.specialty))
        """

    /// …and it is the grant's organisation's turn: rule any, or its organisation is listed on
    /// the stage and has not answered.
    static let grantsTurn = """
        (s.rule = 'any' OR EXISTS (SELECT 1 FROM stage_approver_orgs o WHERE o.request_id = s.request_id
                                   AND o.stage_idx = s.idx AND o.org_id = g.org_id AND o.decision IS NULL))
        """

    /// …or it approves that stage at all (listed organisation, or the stage's organisations
    /// are not listed yet).
    static let grantsStage = """
        (s.rule = 'any'
         OR NOT EXISTS (SELECT 1 FROM stage_approver_orgs o WHERE o.request_id = s.request_id AND o.stage_idx = s.idx)
         OR EXISTS (SELECT 1 FROM stage_approver_orgs o WHERE o.request_id = s.request_id AND o.stage_idx = s.idx
                    AND o.org_id = g.org_id))
        """
}

extension Grants {
    /// `$1…$4` of the queries above.
    var sqlParameters: [PGBindable?] { [roles, orgIDs, scopePaths, specialties] }
}
