-- The columns of one table of the current database, in order, with their types.
SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position
