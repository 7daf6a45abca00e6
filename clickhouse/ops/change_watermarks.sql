-- Change batches per source: the latest watermark (newest updated_at in the facts), the batch that
-- set it, and lags. apply_lag: how long after its newest change the latest batch reached the
-- warehouse; age: how old the warehouse's newest change is now (a source that stopped sending
-- changes, or a pipeline that stopped applying them, shows a growing age).
--   npm run --silent sql < clickhouse/ops/change_watermarks.sql
SELECT
    source,
    toString(argMax(watermark, applied_at))                                   AS watermark,
    argMax(batch_id, applied_at)                                              AS latest_batch,
    toString(max(applied_at))                                                 AS applied_at,
    dateDiff('second', argMax(batch_newest, applied_at), max(applied_at))    AS apply_lag_s,
    dateDiff('second', argMax(watermark, applied_at), now64(3, 'UTC'))       AS age_s,
    count()                                                                   AS batches,
    sum(rows_applied)                                                         AS rows_applied,
    sum(rows_already_applied)                                                 AS rows_already_applied,
    sum(rows_quarantined)                                                     AS rows_quarantined
FROM change_watermarks FINAL
GROUP BY source
ORDER BY source
