-- Every row of one table into another of the same columns (a restore's copy of rebuilt states).
INSERT INTO ${to} SELECT * FROM ${from}
