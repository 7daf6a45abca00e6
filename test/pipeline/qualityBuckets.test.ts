/**
 * The key checks (foreign keys, sums per group, uniqueness) run per hash bucket of their keys on
 * large days (pipeline/gate/keyChecks.ts ROWS_PER_BUCKET), and the merged result must be exactly the
 * one-statement result: the same observed shares, notes and samples in the report.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { QualityInput } from '../../pipeline/gate/checkQuality';
import { ROWS_PER_BUCKET } from '../../pipeline/gate/keyChecks';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import type { JsonReport } from '../../pipeline/gate/report/jsonReport';
import { testDataDir } from '../helpers/pipeline';
import { runToQualityGate } from '../helpers/qualityPipeline';
import { freshWarehouse } from '../helpers/warehouse';
import { activityEnvironment } from '../helpers/activityEnvironment';

const DAY = '2024-03-10';
const KEY_CHECKS = new Set(['foreign_key', 'sum_match', 'unique']);
// Besides the built-in key uniqueness (no repeats after deduplication): a key that repeats, for samples.
const REPEATING = parseQualityConfig({ sources: { orders: [{ kind: 'unique', columns: ['order_id'] }] } });

describe('key quality checks per hash bucket', function () {
  this.timeout(120_000);

  it('give the same results, notes and samples in 1 bucket and in 5', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    // Defects make orphans and differing sums, so the samples are not empty.
    await data.generate(DAY, 400, 0.05);
    const gate = await runToQualityGate({ ...data.settings, qualityChecks: REPEATING }, warehouse, DAY);
    const keyChecks = (report: JsonReport) => report.checks.filter((c) => KEY_CHECKS.has(c.kind)).map(({ name, kind, observed, note, samples }) => ({ name, kind, observed, note, samples }));
    const oneBucket = keyChecks(JSON.parse(readFileSync(gate.quality.reportFile, 'utf8')) as JsonReport);
    assert.ok(oneBucket.length >= 3, 'the foreign keys and the payments sum match were evaluated');
    assert.ok(oneBucket.some((c) => c.kind !== 'unique' && c.samples.length > 0), 'some cross-source check found rows to show');
    const repeats = oneBucket.find((c) => c.name === 'orders_order_id_unique');
    assert.ok(repeats && repeats.samples.length > 0 && Number(repeats.observed) > 0, 'order ids repeat over their lines, with samples');
    assert.ok(oneBucket.filter((c) => c.kind === 'unique').length >= 5, 'the four keys and order_id');

    // The same clean files, with counts that make every key check use five buckets.
    const scaled = Object.fromEntries(
      gate.ingested.map((i, n) => [i.source, { rowsRead: 5 * ROWS_PER_BUCKET, rowsQuarantined: i.rowsQuarantined + gate.transformed[n].rowsQuarantined, duplicatesRemoved: gate.transformed[n].duplicatesRemoved, header: i.header, ruleViolations: gate.transformed[n].ruleViolations }]),
    ) as QualityInput['counts'];
    const again = (await activityEnvironment().run(gate.activities.checkQuality, { businessDate: DAY, counts: scaled })) as { reportFile: string };
    const fiveBuckets = keyChecks(JSON.parse(readFileSync(again.reportFile, 'utf8')) as JsonReport);
    assert.deepEqual(fiveBuckets, oneBucket);
  });
});
