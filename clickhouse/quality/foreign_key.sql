-- A foreign key of the day's clean rows. A value (where present) resolves when the day's clean rows
-- of the parent source hold it, or the warehouse holds it from another business date (the member
-- table, when use_members says it keeps the column): a header-only dimension export is an empty
-- delta, and the customers of earlier days still exist. Only values the day's parents lack are
-- looked up in the warehouse, so the set held in memory is bounded by the day, not the history.
-- A folder without parts reads as no rows (the structure is declared).
-- Every row carries the totals; first come up to `limit` orphan values, each with its first line.
-- Only the values of hash bucket {bucket} of {buckets} (by their text) are checked: the caller runs
-- every bucket and merges (quality/keyChecks.ts), so no set or group holds more than a bucket's keys.
WITH
    day_parents AS
    (
        SELECT toString(${parent_column}) AS member
        FROM file({parent_dir:String} || '/*.parquet', Parquet, {parent_structure:String})
        WHERE cityHash64(ifNull(member, '')) % {buckets:UInt32} = {bucket:UInt32}
    ),
    candidates AS
    (
        SELECT DISTINCT toString(${column}) AS candidate
        FROM file({child_dir:String} || '/*.parquet', Parquet, {child_structure:String})
        WHERE ${column} IS NOT NULL AND cityHash64(candidate) % {buckets:UInt32} = {bucket:UInt32} AND candidate NOT IN day_parents
    ),
    known AS
    (
        SELECT toString(${member_column}) AS member
        FROM ${member_table}
        WHERE {use_members:Bool} AND business_date != {business_date:Date} AND member IN candidates
    )
SELECT
    value,
    line,
    orphan,
    sum(rows) OVER ()             AS total_rows,
    sumIf(rows, orphan) OVER ()   AS orphan_rows
FROM
(
    SELECT
        toString(${column})                                    AS value,
        count()                                                AS rows,
        min(source_line)                                       AS line,
        value NOT IN day_parents AND value NOT IN known        AS orphan
    FROM file({child_dir:String} || '/*.parquet', Parquet, {child_structure:String})
    WHERE ${column} IS NOT NULL AND cityHash64(value) % {buckets:UInt32} = {bucket:UInt32}
    GROUP BY value
)
ORDER BY orphan DESC, line, value
LIMIT {limit:UInt32}
