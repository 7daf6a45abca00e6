-- Order-independent content checksum of one table: equal rows and checksum, equal contents.
-- tuple(*) hashes a row with NULLs too (cityHash64(*) would be NULL for it, and skipped); a sum,
-- unlike XOR, does not let two equal rows cancel out. UInt64 sums wrap around, which is fine here.
SELECT count() AS rows, toString(sum(cityHash64(tuple(*)))) AS checksum FROM ${table}
