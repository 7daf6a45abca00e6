-- An empty table with the live table's columns and engine, for a restore to fill and verify
-- before anything live is touched.
CREATE TABLE ${staging} AS ${table}
