-- Swap two tables' names in one step (Atomic database): the restore's verified copy goes live.
EXCHANGE TABLES ${a} AND ${b}
