/** `npm run status`'s warehouse half: recent runs from the run record, newest first, counts summed over sources. */
import { strict as assert } from 'node:assert';
import { recentRuns } from '../../ops/status/recentRuns';
import { formatTable } from '../../ops/status/formatTable';
import { freshWarehouse } from '../helpers/warehouse';

describe('npm run status: recent runs', () => {
  it('lists runs newest first with outcome and summed counts; a re-written record replaces the old one', async () => {
    const warehouse = await freshWarehouse();
    const run = (runId: string, date: string, status: string, finished: string, message: string) => ({
      run_id: runId, workflow_id: `daily-${date}`, business_date: date, kind: 'daily', status, quality_verdict: status === 'failed' ? 'failed' : 'passed',
      message, started_at: finished, finished_at: finished,
    });
    await warehouse.client.insert({ table: 'etl_runs', format: 'JSONEachRow', values: [
      run('r1', '2024-03-10', 'succeeded', '2024-03-11 02:00:00.000', 'loaded'),
      run('r2', '2024-03-11', 'failed', '2024-03-12 02:00:00.000', 'quality gate stopped the load'),
    ] });
    // The same run recorded again later (an activity retry): FINAL keeps the later row only.
    await warehouse.client.insert({ table: 'etl_runs', format: 'JSONEachRow', values: [run('r1', '2024-03-10', 'succeeded', '2024-03-11 02:05:00.000', 'loaded (retry)')] });
    const source = (runId: string, date: string, name: string, read: number, loaded: number, quarantined: number) => ({
      run_id: runId, business_date: date, source: name, rows_read: read, rows_loaded: loaded, rows_quarantined: quarantined, rows_deduplicated: read - loaded - quarantined, rows_dropped: 0, recorded_at: '2024-03-11 02:00:00.000',
    });
    await warehouse.client.insert({ table: 'etl_run_sources', format: 'JSONEachRow', values: [
      source('r1', '2024-03-10', 'orders', 100, 95, 3), source('r1', '2024-03-10', 'payments', 50, 50, 0),
    ] });

    const runs = await recentRuns(warehouse.client, 10);
    assert.deepEqual(runs.map((r) => [r.runId, r.businessDate, r.status, r.message]), [
      ['r2', '2024-03-11', 'failed', 'quality gate stopped the load'],
      ['r1', '2024-03-10', 'succeeded', 'loaded (retry)'],
    ]);
    assert.deepEqual([runs[1].rowsRead, runs[1].rowsLoaded, runs[1].rowsQuarantined, runs[1].rowsDeduplicated], [150, 145, 3, 2]);
    assert.deepEqual([runs[0].rowsRead, runs[0].rowsLoaded], [0, 0], 'a run without source counts shows zeros');
    assert.equal((await recentRuns(warehouse.client, 1)).length, 1, 'the limit applies');
  });

  it('formats a table with padded columns', () => {
    assert.equal(formatTable(['a', 'bb'], [['xxx', 1], ['y', 22]]), 'a    bb\nxxx  1\ny    22');
  });
});
