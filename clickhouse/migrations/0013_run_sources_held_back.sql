-- Conservation for every run, not only successful ones: read = loaded + quarantined + deduplicated
-- + dropped + held back. A run that stopped (quality gate, a refused file, a failed stage) holds back
-- the rows it read and cleaned; `held_back_reason` says why. A refused source (missing file, header
-- not matching its contract, not UTF-8) has its own row too: `refused` is its reason (its rows were
-- never read as rows, so it counts 0 read).
ALTER TABLE etl_run_sources ADD COLUMN IF NOT EXISTS rows_held_back UInt64 DEFAULT 0 AFTER rows_dropped;
ALTER TABLE etl_run_sources ADD COLUMN IF NOT EXISTS held_back_reason String DEFAULT '' AFTER rows_held_back;
ALTER TABLE etl_run_sources ADD COLUMN IF NOT EXISTS refused String DEFAULT '' AFTER held_back_reason;
