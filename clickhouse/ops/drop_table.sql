-- Drop a table a restore created for itself (its staging copy, or the replaced data after a swap).
DROP TABLE IF EXISTS ${table}
