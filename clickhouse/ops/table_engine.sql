-- The engine of one table of the current database (empty when the table does not exist).
SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {table:String}
