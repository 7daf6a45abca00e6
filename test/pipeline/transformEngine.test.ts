/**
 * The transform in the engine (pipeline/clean/transformSql.ts): the staged Parquet it writes
 * (snappy, one row group of at most 64k rows per part, the staged contract's logical types), the same
 * bytes for the same input, and a partition without a file read as empty.
 */
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stagedColumns } from '../../domain/contracts';
import { readParquetParts } from '../../pipeline/files/cleanRows';
import { DataLayout, HANDOVER_FORMAT } from '../../domain/layout';
import { DEFAULT_SOURCES_SETTINGS } from '../../domain/settings/sources';
import { stageSource } from '../../pipeline/publish/stageSource';
import { partDigest } from '../../pipeline/publish/stagedChecksums';
import { dropStaleScratchTables } from '../../pipeline/clean/scratchTables';
import { structureOf, transformSql, validColumns } from '../../pipeline/clean/transformSql';
import { transformSource } from '../../pipeline/clean/transformSource';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { DATE, ingestAndTransform, land } from '../helpers/sourceFiles';
import { tempDir } from '../helpers/tempDirs';
import { rows, serverWarehouse, testWarehouse } from '../helpers/warehouse';

interface ParquetMeta {
  num_rows: number;
  row_groups: { num_rows: number }[];
  columns: { name: string; physical_type: string; logical_type: string; compression: string }[];
}

async function metadataOf(file: string): Promise<ParquetMeta> {
  const [meta] = await rows<ParquetMeta>(await testWarehouse(), 'SELECT num_rows, row_groups, columns FROM file({file:String}, ParquetMetadata)', { file });
  return { ...meta, num_rows: Number(meta.num_rows), row_groups: meta.row_groups.map((g) => ({ num_rows: Number(g.num_rows) })) };
}

/** products rows as ingest hands them over: `keys` distinct product ids over `count` lines (later lines repeat ids). */
async function writeProductsPartition(layout: DataLayout, partition: number, count: number, keys: number): Promise<void> {
  const file = layout.validPartition(DATE, 'products', partition);
  mkdirSync(path.dirname(file), { recursive: true });
  const warehouse = await testWarehouse();
  await warehouse.client.command({
    query: `INSERT INTO FUNCTION file({file:String}, ${HANDOVER_FORMAT.name}, {structure:String})
      SELECT lower(hex(MD5(toString(number % ${keys})))) AS product_id, if(number % 7 = 0, NULL, 'toys') AS product_category_name,
        toInt32(number % 3000) AS product_weight_g, toInt32(10) AS product_length_cm, toInt32(number % 50) AS product_height_cm, toInt32(20) AS product_width_cm,
        fromUnixTimestamp64Milli(toInt64(1710000000000 + (number % 5) * 1000), 'UTC') AS updated_at, {date:String} AS business_date, toInt32(number + 2) AS source_line
      FROM numbers(${count})`,
    query_params: { file, structure: structureOf(validColumns('products')), date: DATE },
    clickhouse_settings: { engine_file_truncate_on_insert: 1 },
  });
}

describe('transform in the engine', () => {
  it('deduplicates like the reference rule: per key the latest updated_at, then the later line, whatever the physical order', async () => {
    const warehouse = await testWarehouse();
    const table = `_dedup_property_${process.pid}`;
    await warehouse.client.command({ query: `CREATE OR REPLACE TABLE ${table} (${structureOf(validColumns('products'))}) ENGINE = Memory` });
    const rowsArb = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), updated: fc.integer({ min: 0, max: 5 }), order: fc.double() }), { maxLength: 60 });
    try {
      await fc.assert(
        fc.asyncProperty(rowsArb, async (drawn) => {
          const lines = drawn.map((r, i) => ({ ...r, line: i + 2 }));
          await warehouse.client.command({ query: `TRUNCATE TABLE ${table}` });
          if (lines.length > 0) {
            const shuffled = [...lines].sort((x, y) => x.order - y.order); // the table's order is not the lines' order
            await warehouse.client.insert({
              table,
              format: 'JSONEachRow',
              values: shuffled.map((r) => ({ product_id: r.key, product_category_name: null, product_weight_g: 1, product_length_cm: 1, product_height_cm: 1, product_width_cm: 1, updated_at: `2024-03-10 10:00:0${r.updated}.000`, business_date: DATE, source_line: r.line })),
            });
          }
          const expected = new Map<string, (typeof lines)[number]>();
          for (const r of lines) {
            const best = expected.get(r.key);
            if (!best || r.updated > best.updated || (r.updated === best.updated && r.line > best.line)) expected.set(r.key, r);
          }
          const generated = transformSql('products', DEFAULT_SOURCES_SETTINGS.products, table);
          const kept = await rows<{ source_line: number; _rows_in: number | string }>(warehouse, `SELECT source_line, _rows_in FROM (${generated.select}) ORDER BY source_line`, generated.params);
          assert.deepEqual(kept.map((r) => r.source_line), [...expected.values()].map((r) => r.line).sort((x, y) => x - y));
          assert.ok(kept.every((r) => Number(r._rows_in) === lines.length), 'rows read counts every line');
        }),
        { numRuns: 150 },
      );
    } finally {
      await warehouse.client.command({ query: `DROP TABLE IF EXISTS ${table}` });
    }
  });

  it('writes snappy parts of one row group of at most 64k rows each, in line order, with the staged types', async () => {
    const layout = new DataLayout(tempDir('engine-parts'));
    await writeProductsPartition(layout, 0, 75_000, 70_000);
    const summary = await transformSource(await testWarehouse(), layout, { settings: DEFAULT_SOURCES_SETTINGS.products }, { businessDate: DATE, source: 'products', partitions: 1 });
    assert.deepEqual([summary.rowsIn, summary.duplicatesRemoved, summary.rowsOut], [75_000, 5_000, 70_000]);
    const parts = readdirSync(summary.cleanDir).sort();
    assert.deepEqual(parts, ['part-0000-0000.parquet', 'part-0000-0001.parquet']);
    const metas = await Promise.all(parts.map((p) => metadataOf(path.join(summary.cleanDir, p))));
    assert.deepEqual(metas.map((m) => m.row_groups.map((g) => g.num_rows)), [[65_536], [4_464]]);
    const types = Object.fromEntries(metas[0].columns.map((c) => [c.name, [c.physical_type, c.logical_type.replace(/,.*/, ''), c.compression]]));
    assert.deepEqual(Object.keys(types), stagedColumns('products').map((c) => c.name));
    assert.deepEqual(types.product_id, ['BYTE_ARRAY', 'String', 'SNAPPY']);
    assert.deepEqual(types.product_weight_g, ['INT32', 'None', 'SNAPPY']);
    assert.match(metas[0].columns.find((c) => c.name === 'updated_at')!.logical_type, /^Timestamp\(isAdjustedToUTC=true, timeUnit=milliseconds/);
    // The latest version of each key survives (later lines of a key carry later updated_at), in line order.
    let previous = 0;
    let count = 0;
    for await (const row of readParquetParts(summary.cleanDir)) {
      assert.ok(Number(row.source_line) > previous, 'rows in line order');
      previous = Number(row.source_line);
      count += 1;
    }
    assert.equal(count, 70_000);
  });

  it('money comes out as Int64 cents and timestamps as UTC milliseconds, as the warehouse load reads them', async () => {
    const { transformed } = await ingestAndTransform(
      land('payments', 'order_id,payment_sequential,payment_type,payment_installments,payment_value\n' + `${'a'.repeat(32)},1,credit_card,3,12.34\n`),
      'payments',
    );
    const [part] = readdirSync(transformed.cleanDir);
    const meta = await metadataOf(path.join(transformed.cleanDir, part));
    const value = meta.columns.find((c) => c.name === 'payment_value')!;
    assert.deepEqual([value.physical_type, value.logical_type], ['INT64', 'None']);
    const [row] = await rows<{ payment_value: number | string; installment_bucket: string }>(await testWarehouse(), 'SELECT payment_value, installment_bucket FROM file({file:String}, Parquet)', { file: path.join(transformed.cleanDir, part) });
    assert.deepEqual([Number(row.payment_value), row.installment_bucket], [1234, '2-3']);
  });

  it('the same input gives byte-identical staged parts and checksums', async () => {
    const landed = tempDir('engine-same');
    await generateDailyExport({ businessDate: DATE, orders: 300, seed: 11, defectRate: 0.1, outDir: landed });
    const runs: { parts: Record<string, string>; checksums: string }[] = [];
    for (const name of ['first', 'second']) {
      const layout = new DataLayout(tempDir(`engine-same-${name}`));
      mkdirSync(layout.landingDir(DATE), { recursive: true });
      for (const file of readdirSync(landed)) copyFileSync(path.join(landed, file), path.join(layout.landingDir(DATE), file));
      const { transformed } = await ingestAndTransform(layout, 'orders');
      assert.ok(transformed.rowsOut > 100 && transformed.duplicatesRemoved > 0, 'a day with rows and duplicates');
      const staged = await stageSource(layout, { businessDate: DATE, source: 'orders' });
      const parts = Object.fromEntries(readdirSync(staged.stagedDir).filter((n) => n.endsWith('.parquet')).sort().map((n) => [n, partDigest(path.join(staged.stagedDir, n))]));
      runs.push({ parts, checksums: readFileSync(path.join(staged.stagedDir, 'checksums.sha256'), 'utf8') });
    }
    assert.ok(Object.keys(runs[0].parts).length > 1, 'several parts');
    assert.deepEqual(runs[1], runs[0]);
  });

  it('reads a partition without a file as empty; a day without rows still stages one part with the schema', async () => {
    const layout = new DataLayout(tempDir('engine-missing'));
    await writeProductsPartition(layout, 1, 10, 10);
    const warehouse = await testWarehouse();
    const some = await transformSource(warehouse, layout, { settings: DEFAULT_SOURCES_SETTINGS.products }, { businessDate: DATE, source: 'products', partitions: 3 });
    assert.deepEqual([some.rowsIn, some.rowsOut], [10, 10]);
    assert.deepEqual(readdirSync(some.cleanDir), ['part-0001-0000.parquet']);

    const empty = new DataLayout(tempDir('engine-empty'));
    const none = await transformSource(warehouse, empty, { settings: DEFAULT_SOURCES_SETTINGS.products }, { businessDate: DATE, source: 'products', partitions: 2 });
    assert.deepEqual([none.rowsIn, none.rowsOut], [0, 0]);
    const [part] = readdirSync(none.cleanDir);
    const meta = await metadataOf(path.join(none.cleanDir, part));
    assert.equal(meta.num_rows, 0);
    assert.deepEqual(meta.columns.map((c) => c.name), stagedColumns('products').map((c) => c.name));
  });

  it('runs as the loader on a ClickHouse server (the chDB server) with the same counts and rows as embedded', async function () {
    this.timeout(300_000);
    const embedded = new DataLayout(tempDir('engine-embedded'));
    const served = new DataLayout(tempDir('engine-server'));
    for (const layout of [embedded, served]) await writeProductsPartition(layout, 0, 3_000, 2_000);
    const settings = { ...DEFAULT_SOURCES_SETTINGS.products, nullStrategies: { product_category_name: { strategy: 'fill_constant' as const, value: 'none' } } };
    const input = { businessDate: DATE, source: 'products' as const, partitions: 1 };
    const local = await transformSource(await testWarehouse(), embedded, { settings }, input);
    await (await serverWarehouse('cartwheel_loading', 'admin')).close(); // creates the database when missing
    const server = await serverWarehouse('cartwheel_loading', 'loader');
    try {
      const remote = await transformSource(server, served, { settings }, input);
      const counts = (s: typeof local) => [s.rowsIn, s.rowsOut, s.duplicatesRemoved, s.rowsDropped, s.ruleViolations, s.nullsHandled];
      assert.deepEqual(counts(remote), counts(local));
      assert.ok(local.nullsHandled.length === 1 && local.ruleViolations.length === 1, 'nulls filled and rules broken');
      const all = async (dir: string) => {
        const out = [];
        for await (const row of readParquetParts(dir)) out.push(row);
        return out;
      };
      assert.deepEqual(await all(remote.cleanDir), await all(local.cleanDir));
      const tables = await rows<{ name: string }>(server, "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '\\_transform\\_%'");
      assert.deepEqual(tables, [], 'the partition table is dropped');
    } finally {
      await server.close();
    }
  });

  it('sweeps scratch tables a dead attempt left behind, and no others', async () => {
    const warehouse = await testWarehouse();
    await warehouse.client.command({ query: 'CREATE TABLE IF NOT EXISTS _transform_left_behind (x UInt8) ENGINE = Memory' });
    await warehouse.client.command({ query: 'CREATE TABLE IF NOT EXISTS _kept_by_someone (x UInt8) ENGINE = Memory' });
    try {
      assert.deepEqual(await dropStaleScratchTables(warehouse), [], 'a fresh table may be an attempt at work');
      assert.deepEqual(await dropStaleScratchTables(warehouse, 0), ['_transform_left_behind']);
      const left = await rows<{ name: string }>(warehouse, "SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('_transform_left_behind', '_kept_by_someone')");
      assert.deepEqual(left, [{ name: '_kept_by_someone' }]);
    } finally {
      await warehouse.client.command({ query: 'DROP TABLE IF EXISTS _transform_left_behind' });
      await warehouse.client.command({ query: 'DROP TABLE IF EXISTS _kept_by_someone' });
    }
  });
});
