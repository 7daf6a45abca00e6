-- Changed rows (issue 6): later versions of order lines and payments, landed as change batches
-- (landing/changes/<batch id>/orders.csv, payments.csv) and merged into the staged months.
--
-- Each fact row carries its version: updated_at and change_batch of the change it comes from. A row
-- as its daily export delivered it has change_batch '' and updated_at 1970-01-01 00:00:00 (no
-- version: older than any change). Not NULL on purpose: content checksums hash whole rows
-- (cityHash64(*)), and a NULL in any column makes a row's hash NULL, so it would drop out of every
-- table checksum. A change batch row is applied when it is newer than the loaded version of its
-- key, compared as (updated_at, batch id), so batches landing out of order converge to the same
-- warehouse. Existing months read the defaults until they are rebuilt, which is what they are.
ALTER TABLE fact_sales ADD COLUMN IF NOT EXISTS updated_at DateTime64(3, 'UTC') DEFAULT toDateTime64(0, 3, 'UTC') CODEC(ZSTD(1));
ALTER TABLE fact_sales ADD COLUMN IF NOT EXISTS change_batch LowCardinality(String) DEFAULT '';
ALTER TABLE fact_payments ADD COLUMN IF NOT EXISTS updated_at DateTime64(3, 'UTC') DEFAULT toDateTime64(0, 3, 'UTC') CODEC(ZSTD(1));
ALTER TABLE fact_payments ADD COLUMN IF NOT EXISTS change_batch LowCardinality(String) DEFAULT '';

-- Content-hash manifest of change batch files incrementalLoad has acted on, like landing_manifest
-- for days: a batch is new when one of its files' (batch, file, sha256) is not here. outcome:
-- succeeded | failed; a failed batch is tried again only when one of its files changes.
CREATE TABLE IF NOT EXISTS change_manifest
(
    batch_id  String,
    file      LowCardinality(String),
    sha256    String,
    bytes     UInt64,
    outcome   LowCardinality(String),
    seen_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(seen_at)
ORDER BY (batch_id, file, sha256);

-- One row per source per applied batch. watermark: the newest updated_at in the facts once the
-- batch's months were rebuilt (what the warehouse holds, read back, not what the batch claimed);
-- batch_newest: the newest updated_at in the batch's clean rows; 1970-01-01 00:00:00 for none (not
-- NULL, for the same checksum reason as above). Status and lag, never a filter: a batch landing late
-- with older rows is still applied key by key (see README, changed rows).
-- Counts: rows_read = rows_applied + rows_already_applied + rows_quarantined + rows_duplicate + rows_dropped.
CREATE TABLE IF NOT EXISTS change_watermarks
(
    source                LowCardinality(String),
    batch_id              String,
    watermark             DateTime64(3, 'UTC'),
    batch_newest          DateTime64(3, 'UTC'),
    rows_read             UInt64,
    rows_applied          UInt64,
    rows_already_applied  UInt64,
    rows_quarantined      UInt64,
    rows_duplicate        UInt64,
    rows_dropped          UInt64,
    months_rebuilt        Array(UInt32),
    workflow_id           String,
    run_id                String,
    applied_at            DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY (source, batch_id);
