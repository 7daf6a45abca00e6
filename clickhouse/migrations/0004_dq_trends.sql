-- Quality trends for SQL clients: every check's result run by run, with the run's status, numbered
-- from the newest (runs_ago = 1), so "how did a metric move over the last 30 runs" is a WHERE clause:
--   SELECT business_date, observed, threshold, outcome FROM dq_trends
--   WHERE check_name = 'orders_quarantined_share' AND runs_ago <= 30 ORDER BY recorded_at;
CREATE VIEW IF NOT EXISTS dq_trends AS
SELECT
    r.check_name                                                                         AS check_name,
    r.dimension                                                                          AS dimension,
    r.target                                                                             AS target,
    r.business_date                                                                      AS business_date,
    r.run_id                                                                             AS run_id,
    r.observed                                                                           AS observed,
    r.threshold                                                                          AS threshold,
    r.severity                                                                           AS severity,
    r.outcome                                                                            AS outcome,
    r.recorded_at                                                                        AS recorded_at,
    runs.status                                                                          AS run_status,
    row_number() OVER (PARTITION BY r.check_name ORDER BY r.recorded_at DESC, r.run_id DESC) AS runs_ago
FROM dq_results AS r FINAL
LEFT JOIN (SELECT run_id, status FROM etl_runs FINAL) AS runs ON runs.run_id = r.run_id;

-- One row per run and dimension: how many checks passed, warned and failed.
CREATE VIEW IF NOT EXISTS dq_run_summary AS
SELECT
    business_date,
    run_id,
    dimension,
    countIf(outcome = 'pass') AS passed,
    countIf(outcome = 'warn') AS warned,
    countIf(outcome = 'fail') AS failed,
    max(recorded_at)          AS recorded_at
FROM dq_results FINAL
GROUP BY business_date, run_id, dimension;
