import { activityEnvironment } from '../helpers/activityEnvironment';
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DataLayout, HANDOVER_FORMAT } from '../../domain/layout';
import { ingestSource, type IngestSummary } from '../../pipeline/read/ingestSource';
import { DEFAULT_DATE_FORMATS } from '../../domain/contracts/timestamps';
import { tempDir } from '../helpers/tempDirs';
import { testWarehouse } from '../helpers/warehouse';

const DATE = '2024-03-10';
const HEADER = 'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state,updated_at';
const id = (c: string) => c.repeat(32);

function landCustomers(content: string): DataLayout {
  const layout = new DataLayout(tempDir('ingest'));
  mkdirSync(layout.landingDir(DATE), { recursive: true });
  writeFileSync(layout.landingFile(DATE, 'customers'), content);
  return layout;
}

const OPTIONS = { contract: { dateFormats: DEFAULT_DATE_FORMATS }, partitionBytes: 1 << 20 };
const ingest = async (layout: DataLayout): Promise<IngestSummary> =>
  activityEnvironment().run(ingestSource, await testWarehouse(), layout, OPTIONS, { businessDate: DATE, source: 'customers' as const }) as Promise<IngestSummary>;

/** A partition's valid rows in line order, timestamps as epoch milliseconds (a partition without rows has no file). */
async function validRows(file: string): Promise<Record<string, unknown>[]> {
  if (!existsSync(file)) return [];
  const warehouse = await testWarehouse();
  const result = await warehouse.client.query({
    query: `SELECT * REPLACE (toUnixTimestamp64Milli(updated_at) AS updated_at) FROM file({file:String}, ${HANDOVER_FORMAT.name}) ORDER BY source_line`,
    query_params: { file },
    format: 'JSONEachRow',
  });
  return result.json<Record<string, unknown>>();
}


describe('ingestSource', () => {
  it('quarantines bad rows with file, line, column, value and reason, and counts every row', async () => {
    const layout = landCustomers([
      HEADER,
      `${id('a')},${id('b')},01310,são paulo,SP,2024-03-10 10:00:00`,
      `${id('c')},${id('d')},1310,rio,RJ,2024-03-10 10:00:00`,
      `${id('e')},${id('f')},20000,"rio, de ""janeiro""\nzona sul",RJ,2024-03-10 10:00:00`,
      `${id('1')},${id('2')},20000,niterói,XX,2024-03-10 10:00:00`,
      `${id('3')},${id('4')},20000,niterói,RJ,yesterday`,
      '',
    ].join('\n'));
    const summary = await ingest(layout);
    assert.deepEqual([summary.rowsRead, summary.rowsValid, summary.rowsQuarantined], [5, 2, 3]);

    const quarantine = readFileSync(summary.quarantineFile, 'utf8').trim().split('\n');
    assert.equal(quarantine.length, 4); // header + 3 rejected rows
    assert.match(quarantine[1], new RegExp(`^${summary.file},3,customer_zip_code_prefix,1310,must be five digits,`));
    // The quoted field spans two lines, so the next record starts on line 6, not 5.
    assert.match(quarantine[2], /,6,customer_state,XX,"must be one of AC, /);
    assert.match(quarantine[3], /,7,updated_at,yesterday,not a valid timestamp/);

    const valid = await validRows(layout.validPartition(DATE, 'customers', 0));
    assert.deepEqual(valid.map((r) => r.source_line), [2, 4]);
    assert.equal(valid[0].customer_city, 'são paulo');
    assert.equal(valid[1].customer_city, 'rio, de "janeiro"\nzona sul');
    assert.equal(valid[0].updated_at, Date.UTC(2024, 2, 10, 10));
  });

  it('reads columns by name, with a BOM and CRLF line ends', async () => {
    const layout = landCustomers(
      '\uFEFFcustomer_state,updated_at,customer_city,customer_zip_code_prefix,customer_unique_id,customer_id\r\n' +
        `SP,2024-03-10 10:00:00,campinas,13000,${id('b')},${id('a')}\r\n`,
    );
    const summary = await ingest(layout);
    assert.equal(summary.rowsValid, 1);
    const [row] = await validRows(layout.validPartition(DATE, 'customers', 0));
    assert.equal(row.customer_id, id('a'));
    assert.equal(row.customer_state, 'SP');
  });

  it('fails the source, naming file and columns, when the header does not match the contract', async () => {
    const layout = landCustomers(`customer_id,customer_unique_id,zip,customer_state,updated_at\n`);
    await assert.rejects(ingest(layout), (error: Error & { type?: string; nonRetryable?: boolean }) => {
      assert.equal(error.type, 'HeaderMismatch');
      assert.equal(error.nonRetryable, true);
      assert.match(error.message, /customers\.csv line 1: header does not match/);
      assert.match(error.message, /missing columns: customer_zip_code_prefix, customer_city/);
      assert.match(error.message, /unknown columns: zip/);
      return true;
    });
  });

  it('fails clearly when the file is missing or empty', async () => {
    const layout = new DataLayout(tempDir('ingest'));
    await assert.rejects(ingest(layout), /customers\.csv: source file is missing/);
    await assert.rejects(ingest(landCustomers('')), /customers\.csv: file is empty/);
  });

  it('quarantines a row with the wrong number of fields', async () => {
    const summary = await ingest(landCustomers(`${HEADER}\n${id('a')},${id('b')},01310\n`));
    assert.equal(summary.rowsQuarantined, 1);
    assert.match(readFileSync(summary.quarantineFile, 'utf8'), /,2,,,"expected 6 fields, found 3",/);
    assert.equal(path.basename(summary.quarantineFile), 'customers.quarantine.csv');
  });
});
