/**
 * A corpus of nasty inputs a shop's exports really produce, each with the outcome it must have.
 * Every case also checks conservation: read = staged + quarantined + deduplicated + dropped.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { SourceName } from '../../domain/contracts';
import { QUARANTINE_HEADER } from '../../pipeline/read/headerPositions';
import { CSV_HEADERS } from '../../ops/generate/sampleData';
import { DATE, id, ingestAndTransform, land } from '../helpers/sourceFiles';

const HEADER = 'customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state,updated_at';
const customer = (c: string, city = 'campinas', updated = '2024-03-10 10:00:00') => `${id(c)},${id('b')},13000,${city},SP,${updated}`;

async function run(content: string | Buffer, settings = {}, source: SourceName = 'customers') {
  const layout = land(source, content);
  const result = await ingestAndTransform(layout, source, settings);
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

  describe('fidelity: every value kept, refused or normalised on purpose (issue 13)', () => {
    const ORDER_HEADER = CSV_HEADERS.orders.join(',');
    const orderLine = (values: Record<string, string> = {}) => {
      const line: Record<string, string> = {
        order_id: id('a'), order_item_id: '1', customer_id: id('b'), product_id: id('c'), seller_id: id('d'), order_status: 'delivered',
        order_purchase_timestamp: '2024-03-10 10:00:00', order_approved_at: '2024-03-10 11:00:00', order_delivered_customer_date: '',
        order_estimated_delivery_date: '', price: '19.90', freight_value: '7.50', ...values,
      };
      return CSV_HEADERS.orders.map((column) => line[column]).join(',');
    };
    const FULL_HEADER = CSV_HEADERS.customers.join(',');
    const fullCustomer = (values: Record<string, string> = {}) => {
      const line: Record<string, string> = {
        customer_id: id('a'), customer_unique_id: id('b'), customer_name: 'Maria Silva', customer_email: 'maria@example.com', customer_phone: '(11) 91234-5678',
        customer_street: 'Rua A 10', customer_zip_code_prefix: '13000', customer_city: 'campinas', customer_state: 'SP', updated_at: '2024-03-10 10:00:00', ...values,
      };
      return CSV_HEADERS.customers.map((column) => line[column]).join(',');
    };

    it('a year the contract accepts is read exactly or refused naming the bound, never shifted (0001 is not 1901)', async () => {
      const { quarantine, ingested, rows } = await run(
        `${ORDER_HEADER}\n${orderLine({ order_item_id: '1', order_approved_at: '0001-03-10 11:00:00' })}\n${orderLine({ order_item_id: '2', order_approved_at: '0099-03-10 11:00:00' })}\n${orderLine({ order_item_id: '3' })}\n`,
        {},
        'orders',
      );
      assert.equal(ingested.rowsQuarantined, 2);
      assert.match(quarantine[0], /,2,order_approved_at,0001-03-10 11:00:00,must be on or after 1970-01-01,/);
      assert.match(quarantine[1], /,3,order_approved_at,0099-03-10 11:00:00,must be on or after 1970-01-01,/);
      assert.deepEqual(rows.map((r) => r.order_approved_at), [Date.UTC(2024, 2, 10, 11)]);
    });

    it('an implausible price or freight is refused naming the bound', async () => {
      const { quarantine, ingested, rows } = await run(
        `${ORDER_HEADER}\n${orderLine({ order_item_id: '1', price: '999999999999.99' })}\n${orderLine({ order_item_id: '2', freight_value: '99999999999.99' })}\n${orderLine({ order_item_id: '3', price: '1000000.00' })}\n`,
        {},
        'orders',
      );
      assert.equal(ingested.rowsQuarantined, 2);
      assert.match(quarantine[0], /,2,price,999999999999\.99,must be at most 1000000\.00,/);
      assert.match(quarantine[1], /,3,freight_value,99999999999\.99,must be at most 1000000\.00,/);
      assert.deepEqual(rows.map((r) => r.price), [100_000_000], 'the maximum itself is plausible');
    });

    it('a 10 MiB city is refused naming the bound', async () => {
      const { quarantine, ingested, rows } = await run(`${HEADER}\n${customer('a', 'x'.repeat(10 << 20))}\n${customer('c')}\n`);
      assert.equal(ingested.rowsQuarantined, 1);
      const [file, line, column, , reason] = quarantine[0].split(',');
      assert.ok(file.endsWith('customers.csv'));
      assert.deepEqual([line, column, reason], ['2', 'customer_city', 'must be at most 1048576 characters']);
      assert.deepEqual(rows.map((r) => r.customer_id), [id('c')]);
    });

    it('#N/A, NULL and friends are read as missing, not as a name, street, city or category', async () => {
      const customers = await run(`${FULL_HEADER}\n${fullCustomer({ customer_name: '#N/A', customer_street: 'NULL', customer_city: '#N/A', customer_email: 'N/A', customer_phone: '-' })}\n`);
      assert.equal(customers.ingested.rowsQuarantined, 0);
      const [row] = customers.rows;
      assert.equal(row.customer_city, 'unknown', 'missing, then the unknown member by the null strategy');
      for (const column of ['customer_name', 'customer_street', 'customer_email', 'customer_phone']) assert.equal(row[`${column}_masked`], null, column);
      const counted = (summary: typeof customers.ingested) => summary.valuesNormalised.map((n) => `${n.column} ${n.kind} ${n.count}`).sort();
      assert.deepEqual(counted(customers.ingested), ['customer_city', 'customer_email', 'customer_name', 'customer_phone', 'customer_street'].map((c) => `${c} null_token 1`), 'each token read as missing is counted');
      const products = await run(`${CSV_HEADERS.products.join(',')}\n${id('e')},#N/A,100,10,10,10,2024-03-10 10:00:00\n`, {}, 'products');
      assert.equal(products.rows[0].product_category_name, 'unknown');
    });

    it('other null tokens and quarantining line breaks are per-source settings the ingest applies', async () => {
      const content = `${FULL_HEADER}\n${fullCustomer({ customer_city: 'n/d' })}\n${fullCustomer({ customer_id: id('c'), customer_street: '"Rua A 10\nBloco 2"' })}\n`;
      const configured = await run(content, { nullTokens: ['n/d'], freeText: { customer_street: 'quarantine' } });
      assert.equal(configured.ingested.rowsQuarantined, 1);
      assert.match(configured.quarantine[0], /,3,customer_street,/);
      assert.equal(configured.rows[0].customer_city, 'unknown', "'n/d' read as missing, then the unknown member");
    });

    it('a quoted line break in a street is normalised to a space, not quarantined', async () => {
      const content = `${FULL_HEADER}\n${fullCustomer({ customer_street: '"Rua A 10\r\nBloco 2"' })}\n${fullCustomer({ customer_id: id('c'), customer_street: '"Rua B\t5"' })}\n`;
      const normalised = await run(content);
      assert.equal(normalised.ingested.rowsQuarantined, 0);
      assert.equal(normalised.rows.length, 2);
      for (const row of normalised.rows) assert.doesNotMatch(String(row.customer_street_masked), /[\r\n\t]/);
      assert.deepEqual(normalised.ingested.valuesNormalised, [{ column: 'customer_street', kind: 'line_break', count: 2 }], 'never silently: counted');
    });
  });
});
