/**
 * A corpus of nasty inputs a shop's exports really produce, each with the outcome it must have.
 * Every case also checks conservation: read = staged + quarantined + deduplicated + dropped.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { QUARANTINE_HEADER } from '../activities/ingest/headerPositions';
import { DATE, id, ingestAndTransform, land } from './helpers/sourceFiles';

const HEADER = 'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state,updated_at';
const customer = (c: string, city = 'campinas', updated = '2024-03-10 10:00:00') => `${id(c)},${id('b')},13000,${city},SP,${updated}`;

async function run(content: string | Buffer, settings = {}) {
  const layout = land('customers', content);
  const result = await ingestAndTransform(layout, 'customers', settings);
  const { ingested, transformed } = result;
  assert.equal(
    ingested.rowsRead,
    transformed.rowsOut + ingested.rowsQuarantined + transformed.rowsQuarantined + transformed.duplicatesRemoved + transformed.rowsDropped,
    'conservation',
  );
  return { ...result, layout, quarantine: readFileSync(ingested.quarantineFile, 'utf8').trim().split('\n').slice(1) };
}

describe('ingestion corpus', () => {
  it('UTF-8 with a BOM and CRLF line ends', async () => {
    const { rows } = await run(`\uFEFF${HEADER}\r\n${customer('a', 'são paulo')}\r\n${customer('c')}\r\n`);
    assert.deepEqual(rows.map((r) => r.customer_city), ['são paulo', 'campinas']);
  });

  it('RFC 4180 quoting: commas, doubled quotes and line breaks inside fields', async () => {
    const { rows } = await run(`${HEADER}\n${customer('a', '"rio, ""zona"" \r\nsul"')}\n${customer('c')}\n`);
    assert.equal(rows[0].customer_city, 'rio, "zona" \r\nsul');
    assert.equal(rows[1].source_line, 4, 'the record after a two-line field starts on line 4');
  });

  it('bytes that are not UTF-8 are refused with the file and byte offset', async () => {
    const good = Buffer.from(`${HEADER}\n${customer('a')}\n`);
    const bad = Buffer.concat([good, Buffer.from([0x63, 0xff, 0x61]), Buffer.from(`\n`)]);
    await assert.rejects(run(bad), (error: Error) => {
      assert.match(error.message, /customers\.csv: bytes that are not valid UTF-8 at byte offset (\d+)/);
      assert.equal(Number(/offset (\d+)/.exec(error.message)![1]), good.length + 1);
      return true;
    });
  });

  it('a multibyte character split across read chunks is not mistaken for bad UTF-8', async () => {
    const city = 'ç'.repeat(700_000); // 1.4 MB of two-byte characters: crosses 1 MiB read chunks
    const { rows } = await run(`${HEADER}\n${customer('a', city)}\n`);
    assert.equal(rows[0].customer_city, city);
  });

  it('a 1 MB field is read whole', async () => {
    const city = 'x'.repeat(1 << 20);
    const { rows } = await run(`${HEADER}\n${customer('a', city)}\n${customer('c')}\n`);
    // Staged order is by hash partition, then by line: find the row by its key.
    assert.equal(String(rows.find((r) => r.customer_id === id('a'))!.customer_city).length, 1 << 20);
    assert.equal(rows.length, 2);
  });

  it('missing and extra columns fail the file, naming them', async () => {
    await assert.rejects(run(`customer_id,customer_unique_id,customer_state,updated_at,loyalty\n`), /missing columns: customer_zip_code_prefix, customer_city; unknown columns: loyalty/);
  });

  it('reordered columns are read by name', async () => {
    const { rows } = await run(`updated_at,customer_state,customer_city,customer_zip_code_prefix,customer_unique_id,customer_id\n2024-03-10 10:00:00,RJ,niterói,24000,${id('b')},${id('a')}\n`);
    assert.deepEqual([rows[0].customer_id, rows[0].customer_state, rows[0].customer_city], [id('a'), 'RJ', 'niterói']);
  });

  it('an empty file is refused; a header-only file is an empty day', async () => {
    await assert.rejects(run(''), /customers\.csv: file is empty/);
    const { ingested, rows } = await run(`${HEADER}\n`);
    assert.equal(ingested.rowsRead, 0);
    assert.deepEqual(rows, []);
  });

  it('a truncated last line is quarantined as such; a complete last line without a line break is fine', async () => {
    const truncated = await run(`${HEADER}\n${customer('a')}\n${id('c')},${id('d')},130`);
    assert.equal(truncated.ingested.rowsQuarantined, 1);
    assert.match(truncated.quarantine[0], /,3,,,"truncated last line: expected 6 fields, found 3 \(the file does not end with a line break\)"/);
    const complete = await run(`${HEADER}\n${customer('a')}\n${customer('c')}`);
    assert.equal(complete.rows.length, 2);
  });

  it('wrong types, enums and patterns go to quarantine with line, column, value and reason', async () => {
    const { quarantine, ingested } = await run(`${HEADER}\n${id('a')},${id('b')},13000,campinas,XX,2024-03-10 10:00:00\n${id('c')},${id('d')},13O00,campinas,SP,2024-03-10 10:00:00\n${id('e')},${id('f')},13000,campinas,SP,soon\n`);
    assert.equal(ingested.rowsQuarantined, 3);
    assert.match(quarantine[0], /,2,customer_state,XX,"must be one of /);
    assert.match(quarantine[1], /,3,customer_zip_code_prefix,13O00,must be five digits,/);
    assert.match(quarantine[2], /,4,updated_at,soon,not a valid timestamp \(expected YYYY-MM-DD HH:MM:SS or ISO 8601\),/);
  });

  it('mixed date formats parse to the same instant when configured, and are refused when not', async () => {
    const content = `${HEADER}\n${customer('a', 'x', '2024-03-10 13:00:00')}\n${customer('c', 'x', '2024-03-10T10:00:00-03:00')}\n${customer('d', 'x', '1710075600')}\n${customer('e', 'x', '10/03/2024 13:00')}\n`;
    const all = await run(content, { dateFormats: ['ymd_hms', 'iso8601', 'epoch_s', 'dmy'] });
    assert.deepEqual(new Set(all.rows.map((r) => r.updated_at)), new Set([Date.UTC(2024, 2, 10, 13)]));
    const strict = await run(content);
    assert.equal(strict.ingested.rowsQuarantined, 2, 'epoch seconds and DD/MM/YYYY are not accepted by default');
  });

  it('duplicate keys with conflicting values: the latest update wins, a tie goes to the later line', async () => {
    const { rows, transformed } = await run(
      `${HEADER}\n${customer('a', 'old', '2024-03-10 09:00:00')}\n${customer('a', 'newest', '2024-03-10 11:00:00')}\n${customer('a', 'stale', '2024-03-10 10:00:00')}\n` +
        `${customer('c', 'first', '2024-03-10 10:00:00')}\n${customer('c', 'second', '2024-03-10 10:00:00')}\n`,
    );
    assert.equal(transformed.duplicatesRemoved, 3);
    assert.deepEqual(rows.map((r) => [r.customer_id, r.customer_city]), [[id('a'), 'newest'], [id('c'), 'second']]);
  });

  it('a quarantine file, once fixed, can be landed and ingested again', async () => {
    const first = await run(`${HEADER}\n${id('a')},${id('b')},13000,campinas,XX,2024-03-10 10:00:00\n`);
    const fixed = readFileSync(first.ingested.quarantineFile, 'utf8').replace(',SP,', ',SP,').replace(/,XX,2024/, ',SP,2024');
    assert.ok(fixed.startsWith(QUARANTINE_HEADER.join(',')));
    const again = await run(fixed);
    assert.equal(again.ingested.rowsQuarantined, 0);
    assert.equal(again.rows[0].customer_state, 'SP');
    assert.equal(again.rows.length, 1);
    assert.equal(String(again.rows[0].business_date), DATE);
  });
});
