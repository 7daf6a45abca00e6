-- Null strategies may drop rows; conservation is read = loaded + quarantined + deduplicated + dropped.
ALTER TABLE etl_run_sources ADD COLUMN IF NOT EXISTS rows_dropped UInt64 DEFAULT 0 AFTER rows_deduplicated;
