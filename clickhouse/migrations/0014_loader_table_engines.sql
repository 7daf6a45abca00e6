-- cartwheel: server-only
-- ClickHouse 26 checks a TABLE ENGINE grant when a table is created (table_engines_require_grant):
-- the loader builds staging tables (MergeTree family, Memory) at every load. Found when the loader
-- first ran a whole load on a real server (the chDB server, issue 12).
GRANT TABLE ENGINE ON * TO ${database}_loader;
