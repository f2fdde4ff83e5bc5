import KitPostgres

extension Access {
    /// The access rule as an SQL condition on the objects row aliased `o`, with its parameters
    /// numbered from `first`. NULL parameters compare as unknown, so absent roles grant nothing.
    func condition(from first: Int) -> (sql: String, params: [PGBindable?]) {
        let sql = """
            (o.key = $\(first) OR o.owner_user = $\(first + 1) OR $\(first + 2)::boolean OR o.key = $\(first + 3)
             OR (o.type = 'report' AND EXISTS (SELECT 1 FROM unnest($\(first + 4)::text[]) AS g(path)
                 WHERE o.owner_org_path = g.path OR starts_with(o.owner_org_path, g.path || '/'))))
            """
        return (sql, [applicantObject, userID, everything, approvedObject, scopePaths])
    }
}
