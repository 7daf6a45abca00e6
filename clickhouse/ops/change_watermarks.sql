-- Change batches per source: the latest watermark (newest updated_at in the facts), the batch that
-- set it, and lags. apply_lag: how long after its newest change the latest batch reached the
-- warehouse; age: how old the warehouse's newest change is now (a source that stopped sending
-- changes, or a pipeline that stopped applying them, shows a growing age).
--   npm run --silent sql < clickhouse/ops/change_watermarks.sql
-- The inner query keeps the typed values under names of their own: an alias named like a column
-- (applied_at, watermark) would shadow that column in the other expressions.
SELECT
    source,
    toString(latest_watermark)                              AS watermark,
    latest_batch,
    toString(last_applied)                                  AS applied_at,
    dateDiff('second', latest_batch_newest, last_applied)   AS apply_lag_s,
    dateDiff('second', latest_watermark, now64(3, 'UTC'))   AS age_s,
    batch_count                                             AS batches,
    applied                                                 AS rows_applied,
    already_applied                                         AS rows_already_applied,
    quarantined                                             AS rows_quarantined
FROM
(
    SELECT
        source,
        argMax(watermark, applied_at)     AS latest_watermark,
        argMax(batch_id, applied_at)      AS latest_batch,
        argMax(batch_newest, applied_at)  AS latest_batch_newest,
        max(applied_at)                   AS last_applied,
        count()                           AS batch_count,
        sum(rows_applied)                 AS applied,
        sum(rows_already_applied)         AS already_applied,
        sum(rows_quarantined)             AS quarantined
    FROM change_watermarks FINAL
    GROUP BY source
)
ORDER BY source
