/**
 * Settings a statement needs stay that statement's (a SETTINGS clause), on the embedded engine too,
 * whose connection turns the client's clickhouse_settings into SET statements of the one session
 * every later statement of the process shares.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { uploadParquet } from '../../clickhouse/parquetUpload';
import { PARQUET_SETTINGS } from '../../pipeline/publish/parquetOutput';
import { tempDir } from '../helpers/tempDirs';
import { rows, testWarehouse } from '../helpers/warehouse';

const WATCHED = [
  'engine_file_truncate_on_insert',
  'output_format_parquet_compression_method',
  'output_format_parquet_row_group_size',
  'output_format_parquet_write_bloom_filter',
  'max_block_size',
  'input_format_parquet_allow_missing_columns',
];

describe('statement settings do not leak into later statements (embedded engine)', function () {
  this.timeout(60_000);

  const sessionSettings = async () => {
    const warehouse = await testWarehouse();
    const [row] = await rows<Record<string, unknown>>(warehouse, `SELECT ${WATCHED.map((name) => `getSetting('${name}') AS ${name}`).join(', ')}`);
    return row;
  };

  it('the staged-Parquet clause applies to its own statement only', async () => {
    const warehouse = await testWarehouse();
    const before = await sessionSettings();
    const [inside] = await rows<{ truncate: boolean | number; codec: string }>(
      warehouse,
      `SELECT getSetting('engine_file_truncate_on_insert') AS truncate, getSetting('output_format_parquet_compression_method') AS codec ${PARQUET_SETTINGS}`,
    );
    assert.equal(Number(inside.truncate), 1);
    assert.equal(inside.codec, 'snappy');
    const file = path.join(tempDir('statement-settings'), 'part.parquet');
    await warehouse.client.command({ query: `INSERT INTO FUNCTION file({file:String}, Parquet) SELECT number AS n FROM numbers(3) ${PARQUET_SETTINGS}`, query_params: { file } });
    // Written twice: the clause truncates; without it the second write would fail on the existing file.
    await warehouse.client.command({ query: `INSERT INTO FUNCTION file({file:String}, Parquet) SELECT number AS n FROM numbers(3) ${PARQUET_SETTINGS}`, query_params: { file } });
    assert.deepEqual(await sessionSettings(), before);
  });

  it('loading staged Parquet by path leaves the session as it was', async () => {
    const warehouse = await testWarehouse();
    const file = path.join(tempDir('statement-settings'), 'part.parquet');
    await warehouse.client.command({ query: `INSERT INTO FUNCTION file({file:String}, Parquet) SELECT number AS n FROM numbers(3) ${PARQUET_SETTINGS}`, query_params: { file } });
    await warehouse.client.command({ query: 'CREATE OR REPLACE TABLE statement_settings_upload (n UInt64, missing Nullable(String)) ENGINE = Memory' });
    // The engine's default already allows missing columns: turn it off, so a leak of the upload's own would show.
    const [{ allowed }] = await rows<{ allowed: boolean | number }>(warehouse, "SELECT getSetting('input_format_parquet_allow_missing_columns') AS allowed");
    await warehouse.client.command({ query: 'SET input_format_parquet_allow_missing_columns = 0' });
    try {
      const before = await sessionSettings();
      await uploadParquet(warehouse, 'statement_settings_upload', [{ name: 'n', type: 'UInt64' }, { name: 'missing', type: 'Nullable(String)' }], [file]);
      assert.deepEqual(await sessionSettings(), before);
      const [loaded] = await rows<{ n: number; missing: number }>(warehouse, 'SELECT count() AS n, countIf(missing IS NULL) AS missing FROM statement_settings_upload');
      assert.deepEqual({ n: Number(loaded.n), missing: Number(loaded.missing) }, { n: 3, missing: 3 }, 'a column the file lacks loads as NULL');
    } finally {
      await warehouse.client.command({ query: `SET input_format_parquet_allow_missing_columns = ${Number(allowed)}` });
      await warehouse.client.command({ query: 'DROP TABLE IF EXISTS statement_settings_upload' });
    }
  });
});
