-- The (batch, file, sha256) triples of change batches incrementalLoad has already acted on, for the
-- batch ids given (see change_manifest in migration 0010).
SELECT batch_id, file, sha256
FROM change_manifest FINAL
WHERE batch_id IN {batches:Array(String)}
