-- The (date, file, sha256) triples incrementalLoad has already acted on, for the dates given.
-- The output alias is `day`: an alias named business_date would shadow the column in WHERE.
SELECT toString(business_date) AS day, file, sha256
FROM landing_manifest FINAL
WHERE business_date IN {dates:Array(Date)}
