-- Order-independent content checksum of one table: equal rows and checksum, equal contents.
SELECT count() AS rows, toString(groupBitXor(cityHash64(*))) AS checksum FROM ${table}
