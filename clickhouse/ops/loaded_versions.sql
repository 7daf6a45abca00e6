-- The loaded versions of the keys of a change file's clean rows ({changes:String}: their Parquet
-- parts, order_id plus ${line}): every business date a key was loaded on in ${fact}, with the
-- version it holds there (updated_at, change_batch; a row as its daily export delivered it has
-- change_batch '' and no version: NULL here). order_id alone first: its bloom filter skips
-- granules, which the tuple cannot.
SELECT
    toString(f.business_date)              AS day,
    f.order_id                             AS order_id,
    toInt32(f.${line})                     AS line,
    if(f.change_batch = '', NULL, toUnixTimestamp64Milli(f.updated_at)) AS updated_ms,
    toString(f.change_batch)               AS batch
FROM ${fact} AS f
WHERE f.order_id IN (SELECT order_id FROM file({changes:String}, Parquet))
  AND (f.order_id, toInt32(f.${line})) IN (SELECT order_id, toInt32(${line}) FROM file({changes:String}, Parquet))
