-- Run history lives beside the data it describes. ReplacingMergeTree keyed by run: an activity
-- retried after writing its record replaces the row instead of adding one (read with FINAL).

CREATE TABLE IF NOT EXISTS etl_runs
(
    run_id           String,
    workflow_id      String,
    business_date    Date,
    kind             LowCardinality(String),
    status           LowCardinality(String),   -- succeeded | failed
    quality_verdict  LowCardinality(String),   -- passed | warned | failed
    message          String,
    started_at       DateTime64(3, 'UTC'),
    finished_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(finished_at)
ORDER BY (business_date, run_id);

-- Conservation per source: rows_read = rows_loaded + rows_quarantined + rows_deduplicated.
CREATE TABLE IF NOT EXISTS etl_run_sources
(
    run_id             String,
    business_date      Date,
    source             LowCardinality(String),
    rows_read          UInt64,
    rows_loaded        UInt64,
    rows_quarantined   UInt64,
    rows_deduplicated  UInt64,
    recorded_at        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (business_date, run_id, source);

-- One row per quality check per run.
CREATE TABLE IF NOT EXISTS dq_results
(
    run_id         String,
    business_date  Date,
    check_name     String,
    dimension      LowCardinality(String),
    target         String,
    observed       Float64,
    threshold      Float64,
    severity       LowCardinality(String),
    outcome        LowCardinality(String),   -- pass | warn | fail
    recorded_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (business_date, run_id, check_name);
