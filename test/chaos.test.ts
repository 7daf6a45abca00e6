/**
 * The fault suite's first fault, in CI: real worker processes SIGKILLed mid-ingest and mid-load on a
 * real dev server; the run completes and the warehouse equals a run without the fault. The rest of
 * the suite is `npm run chaos` (ops/chaos/run.ts).
 */
import { strict as assert } from 'node:assert';
import { workerKill } from '../ops/chaos/workerKill';

describe('chaos: worker killed mid-run', function () {
  this.timeout(300_000); // two pipelines and four worker starts: about 45 s

  it('a worker SIGKILLed while ingesting and again while loading loses nothing', async () => {
    const result = await workerKill();
    assert.equal(result.rowsLost, 0, result.detail);
    assert.ok(result.survived, result.detail);
    assert.match(result.detail, /ingestSource, loadWarehouse/, 'both kills hit a running attempt');
  });
});
