-- Read one table back from its Parquet file; columns by position, in the order they were written.
INSERT INTO ${table} SELECT * FROM file({file:String}, 'Parquet')
