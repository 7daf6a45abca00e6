-- Rows read of one source by the latest successful run of each business date before {date}, newest
-- first: the trailing band that volume checks compare today's count with. Failed runs (a day the gate
-- stopped) do not move the band.
SELECT
    business_date,
    toFloat64(argMax(rows_read, recorded_at)) AS rows_read
FROM etl_run_sources FINAL
WHERE source = {source:String}
  AND business_date < {date:Date}
  AND run_id IN (SELECT run_id FROM etl_runs FINAL WHERE status = 'succeeded')
GROUP BY business_date
ORDER BY business_date DESC
LIMIT {window:UInt32}
