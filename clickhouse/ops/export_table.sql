-- Write one table to a snappy Parquet file (embedded warehouse: a path on this machine).
INSERT INTO FUNCTION file({file:String}, 'Parquet') SELECT * FROM ${table}
SETTINGS output_format_parquet_compression_method = 'snappy', engine_file_truncate_on_insert = 1
