-- table_checksum.sql over the logical rows of a table that collapses rows in merges
-- (ReplacingMergeTree and kin): FINAL gives the same rows before and after any merge, so a backup
-- taken before a merge and a restore checked after one agree.
SELECT count() AS rows, toString(sum(cityHash64(tuple(*)))) AS checksum FROM ${table} FINAL
