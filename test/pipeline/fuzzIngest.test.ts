/**
 * Fuzzing ingestion (ingest + transform, outside Temporal) with fast-check: mutated valid exports
 * and files of generated rows. Whatever the bytes, every outcome is either a summary whose counts
 * are conserved (read = staged + quarantined + deduplicated + dropped, staged counted in the Parquet
 * written) or a non-retryable ApplicationFailure naming the file. Nothing else may escape, and no
 * promise may be left rejected.
 *
 * CI runs CARTWHEEL_FUZZ_RUNS (default 40) cases per property; set it higher to fuzz longer:
 *   CARTWHEEL_FUZZ_RUNS=20000 npx mocha --no-config --require tsx/cjs --require test/helpers/setup.ts \
 *     --timeout 0 --exit test/pipeline/fuzzIngest.test.ts
 */
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import { BufferedWriter } from '../../pipeline/files/bufferedWriter';
import { readParquetParts } from '../../pipeline/files/cleanRows';
import { DataLayout } from '../../domain/layout';
import { ingestSource } from '../../pipeline/read/ingestSource';
import { DEFAULT_SOURCES_SETTINGS } from '../../domain/settings/sources';
import { transformSource } from '../../pipeline/clean/transformSource';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { applyMutation, columnValues, generatedFileArb, mutationArb } from '../helpers/fuzzCases';
import { DATE } from '../helpers/sourceFiles';
import { tempDir } from '../helpers/tempDirs';
import { testWarehouse } from '../helpers/warehouse';

// Each case is an ingest and a transform in the engine: about a CPU-second of query planning, so
// CI's default is small and `npm run fuzz` runs more.
const RUNS = Number(process.env.CARTWHEEL_FUZZ_RUNS ?? 40);
const sourceArb = fc.constantFrom(...SOURCE_NAMES);

type Outcome = { kind: 'summary'; rowsRead: number } | { kind: 'refused'; type: string };

describe('fuzzing ingestion', function () {
  // Scales with CARTWHEEL_FUZZ_RUNS: about 1–3 s per case on two cores (the engine plans each query).
  this.timeout(0);
  const valid = {} as Record<SourceName, Buffer>;
  const root = tempDir('fuzz');
  const tally = { cases: 0, summaries: 0, refused: 0 };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    const generated = await generateDailyExport({ businessDate: DATE, orders: 6, seed: 3, defectRate: 0.2, outDir: tempDir('fuzz-base') });
    for (const source of SOURCE_NAMES) valid[source] = readFileSync(generated.files[source]);
    process.on('unhandledRejection', onUnhandled);
  });

  after(() => {
    process.off('unhandledRejection', onUnhandled);
    console.log(`      fuzz_cases=${tally.cases} (summaries ${tally.summaries}, refused files ${tally.refused})`);
  });

  afterEach(() => assert.deepEqual(unhandled, [], 'no promise rejection may go unhandled'));

  /** Land the bytes, ingest and transform them, and check whichever outcome it is. */
  async function ingestBytes(source: SourceName, content: Buffer): Promise<Outcome> {
    tally.cases += 1;
    // A folder per case: nothing one case leaves behind can change the next.
    const layout = new DataLayout(path.join(root, String(tally.cases)));
    mkdirSync(layout.landingDir(DATE), { recursive: true });
    const file = layout.landingFile(DATE, source);
    writeFileSync(file, content);
    const settings = DEFAULT_SOURCES_SETTINGS[source];
    try {
      const warehouse = await testWarehouse();
      const ingested = await ingestSource(warehouse, layout, { contract: settings, partitionBytes: 1 << 16 }, { businessDate: DATE, source });
      const transformed = await transformSource(warehouse, layout, { settings }, { businessDate: DATE, source, partitions: ingested.partitions });
      let staged = 0;
      for await (const _row of readParquetParts(transformed.cleanDir)) staged += 1;
      assert.equal(staged, transformed.rowsOut, 'rows in the Parquet parts = rows the transform reports');
      assert.equal(ingested.rowsValid, transformed.rowsIn, 'every valid row reaches the transform');
      assert.equal(
        ingested.rowsRead,
        staged + ingested.rowsQuarantined + transformed.rowsQuarantined + transformed.duplicatesRemoved + transformed.rowsDropped,
        'read = staged + quarantined (contract and rules) + deduplicated + dropped',
      );
      tally.summaries += 1;
      return { kind: 'summary', rowsRead: ingested.rowsRead };
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      assert.ok(error instanceof ApplicationFailure, `only an ApplicationFailure may escape, got ${String((error as Error)?.stack ?? error)}`);
      assert.equal(error.nonRetryable, true, 'bad input is not retried');
      assert.ok(error.message.includes(file), `the failure names the file: ${error.message}`);
      tally.refused += 1;
      return { kind: 'refused', type: error.type ?? '' };
    }
  }

  it('mutated valid exports (byte flips, truncation, quotes, line breaks, BOMs, bad UTF-8, column shuffles)', async () => {
    await fc.assert(
      fc.asyncProperty(sourceArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (source, mutations) => {
        await ingestBytes(source, mutations.reduce(applyMutation, valid[source]));
      }),
      { numRuns: RUNS },
    );
  });

  it('files of generated rows: every data row is read and accounted for', async () => {
    const shapes = Object.fromEntries(SOURCE_NAMES.map((s) => [s, columnValues(valid[s])])) as Record<SourceName, ReturnType<typeof columnValues>>;
    const caseArb = sourceArb.chain((source) => generatedFileArb(shapes[source].header, shapes[source].values).map((file) => ({ source, ...file })));
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ source, content, rows }) => {
        const outcome = await ingestBytes(source, content);
        // The header is the contract's and every field is quoted as needed: the file is always read.
        assert.deepEqual(outcome, { kind: 'summary', rowsRead: rows });
      }),
      { numRuns: RUNS },
    );
  });

  it('found by fuzzing: a writer aborted while its file is still being opened raises nothing uncaught', async () => {
    // A refused file aborts ingest's writers within the tick they were created; an open that then
    // fails (here: the folder is gone) used to surface as an uncaught exception, killing the worker.
    const dir = path.join(root, 'aborted');
    const writer = new BufferedWriter(path.join(dir, 'quarantine.csv'));
    writer.abort();
    rmSync(dir, { recursive: true, force: true });
    const stream = (writer as unknown as { stream: WriteStream }).stream;
    // Not events.once: it rejects on the 'error' event, which is exactly what must stay silent.
    if (!stream.closed) await new Promise<void>((resolve) => stream.on('close', () => resolve()));
    assert.deepEqual(unhandled, []);
  });

  it('mutations actually reach the refusal paths (the fuzzer is not only producing valid files)', async () => {
    // A control for the properties above: known-bad mutations are refused, a consistent column shuffle is not.
    assert.deepEqual(await ingestBytes('orders', applyMutation(valid.orders, { kind: 'insert', at: 40, bytes: 'invalidByte' })), { kind: 'refused', type: 'UnreadableSourceFile' });
    assert.deepEqual(await ingestBytes('orders', applyMutation(valid.orders, { kind: 'truncate', at: 0 })), { kind: 'refused', type: 'UnreadableSourceFile' });
    const shuffled = await ingestBytes('orders', applyMutation(valid.orders, { kind: 'shuffleColumns', seed: 7, headerOnly: false }));
    assert.equal(shuffled.kind, 'summary');
  });
});
