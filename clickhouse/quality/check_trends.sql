-- Earlier results of every check, oldest first, at most {runs} per check: the trend lines of the
-- HTML report. The run being reported is not recorded yet; a retried one is left out by id.
SELECT
    check_name,
    toString(business_date) AS business_date,
    run_id,
    observed,
    threshold,
    outcome
FROM dq_trends
WHERE runs_ago <= {runs:UInt32}
  AND run_id != {run:String}
ORDER BY check_name, recorded_at, run_id
