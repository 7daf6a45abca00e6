/**
 * The audit log: every applied (or failed) migration and every recorded run leaves one row saying
 * who, what, when and how it ended, on the real embedded engine.
 */
import { ApplicationFailure } from '@temporalio/common';
import { strict as assert } from 'node:assert';
import { copyFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { recordRun, type RunRecord } from '../../pipeline/record/recordRun';
import { currentActor } from '../../clickhouse/audit';
import type { Warehouse } from '../../clickhouse/client';
import { listMigrations, migrate } from '../../clickhouse/migrate';
import { tempDir } from '../helpers/tempDirs';
import { freshWarehouse, rows } from '../helpers/warehouse';

interface AuditRow { actor: string; action: string; target: string; outcome: string; workflow_id: string; run_id: string; detail: string; age_s: number }
const auditRows = (warehouse: Warehouse, where = '1') =>
  rows<AuditRow>(warehouse, `SELECT actor, action, target, outcome, workflow_id, run_id, detail, dateDiff('second', occurred_at, now64(3)) AS age_s FROM audit_log FINAL WHERE ${where} ORDER BY occurred_at, target`);

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'run-1', workflowId: 'daily-2024-03-10', businessDate: '2024-03-10', kind: 'daily', status: 'succeeded', qualityVerdict: 'passed', message: 'loaded',
    startedAt: Date.now() - 1000,
    sources: [{ source: 'orders', rowsRead: 10, rowsLoaded: 7, rowsQuarantined: 1, rowsDeduplicated: 1, rowsDropped: 1 }],
    checks: [],
    ...overrides,
  };
}

describe('audit log', () => {
  const saved = process.env.CARTWHEEL_ACTOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.CARTWHEEL_ACTOR;
    else process.env.CARTWHEEL_ACTOR = saved;
  });

  it('names CARTWHEEL_ACTOR, else the OS user', () => {
    assert.equal(currentActor({ CARTWHEEL_ACTOR: 'etl-bot' }), 'etl-bot');
    assert.equal(currentActor({}), userInfo().username);
    assert.equal(currentActor({ CARTWHEEL_ACTOR: 'evil\nforged line' }), userInfo().username, 'an unprintable actor is not written');
  });

  it('records every migration applied, once, with who and when', async () => {
    process.env.CARTWHEEL_ACTOR = 'migration-tester';
    const warehouse = await freshWarehouse();
    const recorded = await auditRows(warehouse, "action = 'schema_change'");
    assert.deepEqual(recorded.map((r) => r.target), listMigrations().map((m) => m.name), 'one row per migration, 0001 to the audit table itself');
    for (const r of recorded) {
      assert.equal(r.actor, 'migration-tester');
      assert.equal(r.outcome, 'succeeded');
      assert.ok(Number(r.age_s) >= 0 && Number(r.age_s) < 600, 'occurred just now');
    }
    assert.deepEqual(await migrate(warehouse), []);
    assert.equal((await auditRows(warehouse, "action = 'schema_change'")).length, recorded.length, 'nothing applied, nothing recorded');
  });

  it('records a failed migration with its error, and applies nothing after it', async () => {
    const warehouse = await freshWarehouse();
    const dir = tempDir('migrations');
    const audit = listMigrations().find((m) => m.name.startsWith('0008_'))!;
    copyFileSync(path.join(__dirname, '..', '..', 'clickhouse', 'migrations', `${audit.name}.sql`), path.join(dir, `0100_${audit.name}.sql`));
    writeFileSync(path.join(dir, '0101_broken.sql'), 'SELECT * FROM no_such_table_anywhere;\n');
    writeFileSync(path.join(dir, '0102_after.sql'), 'CREATE TABLE IF NOT EXISTS never_created (x UInt8) ENGINE = Memory;\n');
    await assert.rejects(migrate(warehouse, dir), /no_such_table_anywhere/);
    const [failed] = await auditRows(warehouse, "target = '0101_broken'");
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.detail, /0101_broken failed: .*no_such_table_anywhere/);
    assert.equal((await auditRows(warehouse, "target = '0102_after'")).length, 0);
    await freshWarehouse();
  });

  it('records loads, replays and failed runs from recordRun; a retried record is one row', async () => {
    process.env.CARTWHEEL_ACTOR = 'worker-svc';
    const warehouse = await freshWarehouse();
    await recordRun(warehouse, run());
    await recordRun(warehouse, run()); // an activity retry after the write
    await recordRun(warehouse, run({ runId: 'run-2', kind: 'replay', actor: 'alice' }));
    await assert.rejects(
      recordRun(warehouse, run({ runId: 'run-3', sources: [{ source: 'orders', rowsRead: 10, rowsLoaded: 9, rowsQuarantined: 0, rowsDeduplicated: 0, rowsDropped: 0 }] })),
      (error: unknown) => error instanceof ApplicationFailure && error.type === 'ConservationViolated',
    );
    const recorded = await auditRows(warehouse, "action != 'schema_change'");
    assert.deepEqual(
      recorded.map(({ actor, action, target, outcome, workflow_id, run_id }) => ({ actor, action, target, outcome, workflow_id, run_id })).sort((a, b) => a.run_id.localeCompare(b.run_id)),
      [
        { actor: 'worker-svc', action: 'load', target: '2024-03-10', outcome: 'succeeded', workflow_id: 'daily-2024-03-10', run_id: 'run-1' },
        { actor: 'alice', action: 'replay', target: '2024-03-10', outcome: 'succeeded', workflow_id: 'daily-2024-03-10', run_id: 'run-2' },
        { actor: 'worker-svc', action: 'load', target: '2024-03-10', outcome: 'failed', workflow_id: 'daily-2024-03-10', run_id: 'run-3' },
      ],
    );
    assert.match(recorded.find((r) => r.run_id === 'run-3')!.detail, /conservation violated/);
  });
});
