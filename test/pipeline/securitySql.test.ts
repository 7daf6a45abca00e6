/**
 * SQL injection: values travel as query parameters; identifiers (database, tables, columns,
 * partition ids) are validated before they are spliced into a statement. These tests feed the
 * validators and every function that splices identifiers the usual injection attempts, and check
 * on the real embedded engine that a hostile value passed as a parameter stays a value.
 */
import { strict as assert } from 'node:assert';
import { assertIdentifier, openWarehouse } from '../../clickhouse/client';
import { uploadParquet } from '../../clickhouse/parquetUpload';
import { renderSql } from '../../clickhouse/sqlFiles';
import { swapPartition } from '../../pipeline/build/swapPartition';
import { loadConfig } from '../../workers/config';
import { rows, scalar, testWarehouse } from '../helpers/warehouse';

const ATTEMPTS = [
  'fact_sales; DROP TABLE fact_sales',
  "fact_sales' OR '1'='1",
  'fact_sales -- comment',
  'fact_sales/*x*/',
  '`fact_sales`',
  '"fact_sales"',
  'fact_sales\nDROP TABLE etl_runs',
  'fact_sales\n',
  'db.fact_sales',
  'fact sales',
  '1fact',
  '',
  'fаct_sales', // Cyrillic а: looks like an identifier, is not one
  'fact_sales\u0000',
  '${database}',
  'fact_sales)',
];

describe('security: SQL is built from parameters and validated identifiers only', () => {
  it('the identifier validator refuses every injection attempt and accepts plain names', () => {
    for (const attempt of ATTEMPTS) assert.throws(() => assertIdentifier(attempt, 'table'), /is not a valid identifier/, JSON.stringify(attempt));
    for (const name of ['fact_sales', '_x', 'cartwheel_test', 'fact_sales__load_202403', 'A1']) assert.equal(assertIdentifier(name, 'table'), name);
  });

  it('renderSql fills placeholders with identifiers only, and refuses missing ones', () => {
    const sql = 'INSERT INTO ${target} SELECT * FROM ${source} WHERE business_date = {day:Date}';
    assert.equal(renderSql(sql, { target: 't1', source: 's1' }), 'INSERT INTO t1 SELECT * FROM s1 WHERE business_date = {day:Date}');
    for (const attempt of ATTEMPTS) assert.throws(() => renderSql(sql, { target: attempt, source: 's1' }), /is not a valid identifier/, JSON.stringify(attempt));
    assert.throws(() => renderSql(sql, { target: 't1' }), /placeholder \$\{source\} has no value/);
    // A value is never re-scanned for placeholders: it is validated as a whole and refused.
    assert.throws(() => renderSql('SELECT ${a}', { a: '${b}', b: 'x' }), /is not a valid identifier/);
  });

  it('the database name is validated by the configuration and again when the warehouse opens', async () => {
    assert.throws(() => loadConfig({ CLICKHOUSE_DATABASE: 'x; DROP DATABASE cartwheel' }), /CLICKHOUSE_DATABASE: must be a plain identifier/);
    await assert.rejects(openWarehouse({ database: 'x`; DROP', chdbPath: '/nonexistent' }), /CLICKHOUSE_DATABASE "x`; DROP" is not a valid identifier/);
  });

  it('partition swaps and Parquet uploads refuse hostile table names, partition ids and columns before running anything', async () => {
    const warehouse = await testWarehouse();
    const before = await scalar(warehouse, 'SELECT count() FROM system.tables WHERE database = currentDatabase()');
    await assert.rejects(swapPartition(warehouse, 'fact_sales; DROP TABLE etl_runs', 'x', '202403'), /not a valid identifier/);
    await assert.rejects(swapPartition(warehouse, 'fact_sales', 'x', "202403' FROM y; DROP TABLE etl_runs; --"), /neither YYYYMM nor all/);
    await assert.rejects(swapPartition(warehouse, 'fact_sales', 'x', '20240'), /neither YYYYMM nor all/);
    await assert.rejects(uploadParquet(warehouse, 'fact_sales', [{ name: 'a) SELECT 1; --', type: 'String' }], []), /not a valid identifier/);
    await assert.rejects(uploadParquet(warehouse, 'fact_sales', [{ name: 'a', type: 'String); DROP TABLE x; --' }], []), /unexpected type/);
    assert.equal(await scalar(warehouse, 'SELECT count() FROM system.tables WHERE database = currentDatabase()'), before);
  });

  it('a hostile value passed as a query parameter is data, on the real engine', async () => {
    const warehouse = await testWarehouse();
    const hostile = "2024-03-10'; DROP TABLE IF EXISTS injected_probe; SELECT '";
    await warehouse.client.command({ query: 'CREATE TABLE IF NOT EXISTS injected_probe (v String) ENGINE = Memory' });
    try {
      const [row] = await rows<{ v: string }>(warehouse, 'SELECT {v:String} AS v', { v: hostile });
      assert.equal(row.v, hostile);
      assert.equal(await scalar(warehouse, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'injected_probe'"), 1);
    } finally {
      await warehouse.client.command({ query: 'DROP TABLE IF EXISTS injected_probe' });
    }
  });
});
