-- Empty one table before it is restored (a restore replaces, never adds).
TRUNCATE TABLE ${table}
