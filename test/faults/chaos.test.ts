/**
 * Two faults of the suite, in CI, against real processes: worker processes SIGKILLed mid-ingest and
 * mid-load on a real dev server, and the ClickHouse server (the data folder's chDB server) SIGKILLed
 * mid-load and a worker pointed at a closed port. Each run completes and the warehouse equals a run
 * without the fault. The rest of the suite is `npm run chaos` (ops/chaos/run.ts).
 */
import { strict as assert } from 'node:assert';
import { warehouseUnreachable } from '../../ops/chaos/warehouseUnreachable';
import { workerKill } from '../../ops/chaos/workerKill';

describe('chaos: worker killed mid-run', function () {
  this.timeout(300_000); // two pipelines and four worker starts: about 45 s

  it('a worker SIGKILLed while ingesting and again while loading loses nothing', async () => {
    const result = await workerKill();
    assert.equal(result.rowsLost, 0, result.detail);
    assert.ok(result.survived, result.detail);
    assert.match(result.detail, /ingestSource, loadWarehouse/, 'both kills hit a running attempt');
  });
});

describe('chaos: ClickHouse unreachable', function () {
  this.timeout(600_000); // two pipelines, four worker starts, a server restart: about 80 s at load 12

  it('the server SIGKILLed mid-load: attempts fail saying so and are retried, and the run completes once it is back; a closed port refuses the worker', async () => {
    const result = await warehouseUnreachable(500);
    assert.equal(result.rowsLost, 0, result.detail);
    assert.ok(result.survived, result.detail);
    assert.match(result.detail, /ECONNREFUSED 127\.0\.0\.1:\d+/, 'a retried attempt named the unreachable server');
  });
});
