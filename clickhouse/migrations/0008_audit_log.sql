-- The audit log: who did what to the warehouse, when, and how it ended. One row per load, replay,
-- backfill (written by recordRun) and per migration applied or failed (written by migrate).
-- actor: CARTWHEEL_ACTOR, else the OS user of the process that acted (for a load, the worker's).
-- Keyed by event: a retried activity rewrites its own event instead of adding one (read with FINAL).
-- Analysts have no grant on it; detail never holds row values (they may be personal data).

CREATE TABLE IF NOT EXISTS audit_log
(
    event_id     String,
    occurred_at  DateTime64(3, 'UTC'),
    actor        LowCardinality(String),
    host         LowCardinality(String),
    action       LowCardinality(String),   -- load | replay | backfill | schema_change
    target       String,                   -- business date, or migration name
    outcome      LowCardinality(String),   -- succeeded | failed
    workflow_id  String,
    run_id       String,
    detail       String
)
ENGINE = ReplacingMergeTree(occurred_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (event_id);
