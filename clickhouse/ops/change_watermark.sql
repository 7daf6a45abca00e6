-- The newest change version a fact table holds: the watermark recorded after a change batch's
-- months were rebuilt. Exported rows carry no version (change_batch ''); with no change at all it is
-- 1970-01-01 00:00:00.000, the warehouse's "none".
SELECT toString(maxIf(updated_at, change_batch != '')) AS watermark
FROM ${fact}
