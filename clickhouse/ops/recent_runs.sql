-- The latest runs with their outcome and row counts summed over sources (FINAL: a retried record
-- replaces its row), the rows a stopped run held back and the sources it refused. Parameters: limit.
SELECT
    toString(r.business_date)            AS business_date,
    r.kind                               AS kind,
    r.status                             AS status,
    r.quality_verdict                    AS quality_verdict,
    r.workflow_id                        AS workflow_id,
    r.run_id                             AS run_id,
    toString(r.finished_at)              AS finished_at,
    r.message                            AS message,
    ifNull(s.rows_read, 0)               AS rows_read,
    ifNull(s.rows_loaded, 0)             AS rows_loaded,
    ifNull(s.rows_quarantined, 0)        AS rows_quarantined,
    ifNull(s.rows_deduplicated, 0)       AS rows_deduplicated,
    ifNull(s.rows_dropped, 0)            AS rows_dropped,
    ifNull(s.rows_held_back, 0)          AS rows_held_back,
    ifNull(s.refused, '')                AS refused
FROM (SELECT * FROM etl_runs FINAL ORDER BY finished_at DESC LIMIT {limit:UInt32}) AS r
LEFT JOIN
(
    SELECT run_id, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded, sum(rows_quarantined) AS rows_quarantined,
           sum(rows_deduplicated) AS rows_deduplicated, sum(rows_dropped) AS rows_dropped, sum(rows_held_back) AS rows_held_back,
           arrayStringConcat(arraySort(groupArrayIf(source, refused != '')), ', ') AS refused
    FROM etl_run_sources FINAL
    GROUP BY run_id
) AS s ON s.run_id = r.run_id
ORDER BY r.finished_at DESC, r.business_date DESC
SETTINGS join_use_nulls = 1
