-- Read one table back from its Parquet file; columns by position, in the order they were written.
-- optimize_on_insert = 0: a ReplacingMergeTree keeps every row the backup holds (both versions of a
-- re-applied change batch) instead of collapsing them as the insert goes in.
INSERT INTO ${table} SELECT * FROM file({file:String}, 'Parquet')
SETTINGS optimize_on_insert = 0
