import Foundation
import KitCore
import KitPostgres

/// SQL of the outlier checks and per-value comments (Migrations/008_checks.sql).
enum CheckStore {
    /// The program's settings: how many past periods, whether a warned value needs a 说明.
    static func settings(_ conn: PGConnection, programID: String) throws -> (periods: Int, commentRequired: Bool) {
        guard let r = try conn.query("""
            SELECT outlier_periods, outlier_comment_required FROM programs WHERE id = $1::uuid
            """, [programID]).rows.first else { return (12, false) }
        return (try r.int("outlier_periods"), try r.bool("outlier_comment_required"))
    }

    /// code → the numeric values of the institution's last `periods` submitted reports of the
    /// same form before `report`'s period (period keys of a program compare as text in order),
    /// newest first. Codes are stable across indicator-set versions.
    static func history(_ conn: PGConnection, report r: ReportRecord, periods: Int) throws -> [String: [FieldWarning.HistoryPoint]] {
        var out: [String: [FieldWarning.HistoryPoint]] = [:]
        for row in try conn.query("""
            SELECT i.code, h.period, v.num::text AS num
            FROM (SELECT id, period FROM reports
                  WHERE org_id = $1 AND form_id = $2::uuid AND period < $3
                    AND status IN ('submitted', 'under_review', 'accepted')
                  ORDER BY period DESC LIMIT $4) h
            JOIN report_values v ON v.report_id = h.id AND v.num IS NOT NULL
            JOIN indicators i ON i.id = v.indicator_id
            ORDER BY h.period DESC
            """, [r.orgID, r.formID, r.period, periods]).rows {
            guard let n = Decimal(string: try row.string("num")) else { continue }
            out[try row.string("code"), default: []].append(.init(period: try row.string("period"), value: n))
        }
        return out
    }

    /// code → plausibility limits of a version's indicators.
    static func limits(_ conn: PGConnection, versionID: String) throws -> [String: PlausibilityLimit] {
        var out: [String: PlausibilityLimit] = [:]
        for row in try conn.query("""
            SELECT i.code, l.warn_min::text AS lo, l.warn_max::text AS hi
            FROM indicator_limits l JOIN indicators i ON i.id = l.indicator_id WHERE i.version_id = $1::uuid
            """, [versionID]).rows {
            out[try row.string("code")] = PlausibilityLimit(warnMin: row.optionalString("lo").flatMap { Decimal(string: $0) },
                                                            warnMax: row.optionalString("hi").flatMap { Decimal(string: $0) })
        }
        return out
    }

    /// code → comment of a report.
    static func comments(_ conn: PGConnection, reportID: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try conn.query("""
            SELECT i.code, c.comment FROM value_comments c JOIN indicators i ON i.id = c.indicator_id
            WHERE c.report_id = $1::uuid
            """, [reportID]).rows {
            out[try row.string("code")] = try row.string("comment")
        }
        return out
    }

    /// Sets (or with nil removes) one comment and logs the change (source 'comment').
    static func setComment(_ conn: PGConnection, reportID: String, indicatorID: String, old: String?, new: String?,
                           actorID: String, actorName: String) throws {
        if let new {
            try conn.query("""
                INSERT INTO value_comments (report_id, indicator_id, comment, updated_by) VALUES ($1::uuid, $2::uuid, $3, $4)
                ON CONFLICT (report_id, indicator_id) DO UPDATE SET comment = excluded.comment,
                    updated_by = excluded.updated_by, updated_at = now()
                """, [reportID, indicatorID, new, actorID])
        } else {
            try conn.query("DELETE FROM value_comments WHERE report_id = $1::uuid AND indicator_id = $2::uuid",
                           [reportID, indicatorID])
        }
        try conn.query("""
            INSERT INTO value_edits (id, report_id, indicator_id, actor_id, actor_name, source, old_txt, new_txt)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, 'comment', $6, $7)
            """, [ID.new(), reportID, indicatorID, actorID, actorName, old, new])
    }

    /// The latest review (not 申请修改) of each report.
    struct LatestReview: Sendable {
        let status: String
        let opinion: String?
        let decidedBy: String?
        let decidedAt: Date?
    }

    static func latestReviews(_ conn: PGConnection, reportIDs: [String]) throws -> [String: LatestReview] {
        guard !reportIDs.isEmpty else { return [:] }
        var out: [String: LatestReview] = [:]
        for row in try conn.query("""
            SELECT DISTINCT ON (report_id) report_id::text AS rid, status, opinion, decided_by, decided_at
            FROM review_requests WHERE report_id = ANY ($1::uuid[]) AND kind = 'review'
            ORDER BY report_id, seq DESC
            """, [reportIDs]).rows {
            out[try row.string("rid")] = LatestReview(status: try row.string("status"), opinion: row.optionalString("opinion"),
                                                      decidedBy: row.optionalString("decided_by"),
                                                      decidedAt: try row.optionalDate("decided_at"))
        }
        return out
    }
}
