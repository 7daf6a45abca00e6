-- Sums of a column per group against another source's sums per group (payments against order
-- totals), over the day's clean rows of both; a missing amount counts as 0. A group present on one
-- side only compares with 0. A folder without parts reads as no rows (the structure is declared).
-- Every row carries the totals; first come up to `limit` groups that differ by more than
-- `tolerance`, with the first line of the group (on this side when it has the group).
-- Only the groups of hash bucket {bucket} of {buckets} (by their text) are compared: the caller runs
-- every bucket and merges (quality/keyChecks.ts), so no aggregation holds more than a bucket's groups.
SELECT
    grp,
    mine,
    theirs,
    in_mine,
    line,
    differs,
    count() OVER ()            AS total_groups,
    countIf(differs) OVER ()   AS differing_groups
FROM
(
    SELECT
        grp,
        sumIf(amount, side = 1)                                     AS mine,
        sumIf(amount, side = 2)                                     AS theirs,
        max(side = 1)                                               AS in_mine,
        if(in_mine = 1, minIf(line, side = 1), minIf(line, side = 2)) AS line,
        abs(mine - theirs) > {tolerance:Float64}                    AS differs
    FROM
    (
        SELECT toString(${group_by}) AS grp, toInt64(ifNull(${column}, 0)) AS amount, source_line AS line, 1 AS side
        FROM file({mine_dir:String} || '/*.parquet', Parquet, {mine_structure:String})
        WHERE cityHash64(ifNull(grp, '')) % {buckets:UInt32} = {bucket:UInt32}
        UNION ALL
        SELECT toString(${other_group_by}), toInt64(ifNull(${other_column}, 0)), source_line, 2
        FROM file({other_dir:String} || '/*.parquet', Parquet, {other_structure:String})
        WHERE cityHash64(ifNull(toString(${other_group_by}), '')) % {buckets:UInt32} = {bucket:UInt32}
    )
    GROUP BY grp
)
ORDER BY differs DESC, in_mine DESC, line, grp
LIMIT {limit:UInt32}
