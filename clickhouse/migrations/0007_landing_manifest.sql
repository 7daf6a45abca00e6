-- Content-hash manifest of landed files that incrementalLoad has acted on: a file is new when its
-- (date, name, sha256) is not here. Kept in the warehouse, not in workflow state, so it survives
-- workflow resets and is shared by every run. outcome: the load's result for that content
-- (succeeded | failed); a failed day is tried again only when one of its files changes.
CREATE TABLE IF NOT EXISTS landing_manifest
(
    business_date  Date,
    file           LowCardinality(String),
    sha256         String,
    bytes          UInt64,
    outcome        LowCardinality(String),
    seen_at        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(seen_at)
ORDER BY (business_date, file, sha256);
