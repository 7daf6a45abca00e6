import { strict as assert } from 'node:assert';
import { CONTRACTS, contractColumns, SOURCE_NAMES, stagedColumns } from '../../domain/contracts';
import { sourcesSettingsSchema } from '../../domain/settings/sources';
import { parseTimestamp } from '../../domain/contracts/timestamps';
import { clickhouseTypeOf } from '../../pipeline/build/rawTables';
import { arrowTypeOf } from '../../pipeline/publish/arrowColumns';
import { CSV_HEADERS } from '../../ops/generate/sampleData';

describe('source contracts', () => {
  describe('parseTimestamp', () => {
    it('reads exports without a zone as UTC, whatever the machine zone', () => {
      assert.equal(parseTimestamp('2024-03-10 14:20:07'), Date.UTC(2024, 2, 10, 14, 20, 7));
    });
    it('applies ISO 8601 offsets', () => {
      assert.equal(parseTimestamp('2024-03-10T14:20:07-03:00'), Date.UTC(2024, 2, 10, 17, 20, 7));
      assert.equal(parseTimestamp('2024-03-10T14:20:07.5Z'), Date.UTC(2024, 2, 10, 14, 20, 7, 500));
    });
    it('refuses dates that do not exist and text that is not a date', () => {
      for (const bad of ['2024-02-30 10:00:00', '2024-13-01', '2024-03-10 25:61:00', 'n/a', '10/03/2024', '']) {
        assert.equal(parseTimestamp(bad), undefined, bad);
      }
    });
  });

  describe('row schemas', () => {
    const order = {
      order_id: 'a'.repeat(32), order_item_id: '1', customer_id: 'b'.repeat(32), product_id: 'c'.repeat(32),
      seller_id: 'd'.repeat(32), order_status: 'delivered', order_purchase_timestamp: '2024-03-10 10:00:00',
      order_approved_at: '', order_delivered_customer_date: '2024-03-12 10:00:00', order_estimated_delivery_date: '',
      price: '19.9', freight_value: '0.07',
    };

    it('parses money exactly into cents and empty optionals into null', () => {
      const row = CONTRACTS.orders.schema.parse(order) as Record<string, unknown>;
      assert.equal(row.price, 1990);
      assert.equal(row.freight_value, 7);
      assert.equal(row.order_approved_at, null);
    });

    it('names the column and the reason of the first problem', () => {
      const result = CONTRACTS.orders.schema.safeParse({ ...order, customer_id: '', price: '-1.00' });
      assert.ok(!result.success);
      const [first, second] = result.error.issues;
      assert.deepEqual([first.path, first.message], [['customer_id'], 'required value is missing']);
      assert.deepEqual([second.path, second.message], [['price'], 'must not be negative']);
    });
  });

  describe('derived types', () => {
    it('the generator writes exactly the contract columns', () => {
      for (const source of SOURCE_NAMES) {
        assert.deepEqual([...CSV_HEADERS[source]], contractColumns(CONTRACTS[source]).map((c) => c.name), source);
      }
    });

    it('Arrow and ClickHouse types agree with the storage kind of every staged column', () => {
      const expected = {
        string: ['Utf8', 'String'],
        int32: ['Int32', 'Int32'],
        cents: ['Int64', 'Int64'],
        timestamp: ['Timestamp<MILLISECOND, UTC>', "DateTime64(3, 'UTC')"],
      } as const;
      for (const source of SOURCE_NAMES) {
        for (const column of stagedColumns(source)) {
          const [arrow, clickhouse] = expected[column.storage];
          assert.equal(String(arrowTypeOf(column)), arrow, `${source}.${column.name}`);
          assert.equal(clickhouseTypeOf(column), column.nullable ? `Nullable(${clickhouse})` : clickhouse, `${source}.${column.name}`);
        }
      }
    });
  });

  describe('fidelity settings (issue 13)', () => {
    const customer = {
      customer_id: 'a'.repeat(32), customer_unique_id: 'b'.repeat(32), customer_name: 'Maria', customer_email: '', customer_phone: '',
      customer_street: 'Rua A', customer_zip_code_prefix: '13000', customer_city: 'campinas', customer_state: 'SP', updated_at: '2024-03-10 10:00:00',
    };
    const issueOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
      result.success ? undefined : [String(result.error!.issues[0].path[0]), result.error!.issues[0].message];

    it('bounds from the settings replace the contract defaults, and the reason names the bound', () => {
      const order = {
        order_id: 'a'.repeat(32), order_item_id: '1', customer_id: 'b'.repeat(32), product_id: 'c'.repeat(32), seller_id: 'd'.repeat(32),
        order_status: 'delivered', order_purchase_timestamp: '2024-03-10 10:00:00', order_approved_at: '', order_delivered_customer_date: '',
        order_estimated_delivery_date: '2150-01-01 00:00:00', price: '50.01', freight_value: '0.07',
      };
      assert.deepEqual(issueOf(CONTRACTS.orders.schema.safeParse({ ...order, order_estimated_delivery_date: '' })), undefined);
      assert.deepEqual(issueOf(CONTRACTS.orders.schema.safeParse(order)), ['order_estimated_delivery_date', 'must be before 2100-01-01']);
      const settings = { bounds: { price: { max: 50 }, order_estimated_delivery_date: { before: '2200-01-01' } } };
      assert.deepEqual(issueOf(CONTRACTS.orders.buildSchema(settings).safeParse(order)), ['price', 'must be at most 50.00']);
      assert.deepEqual(issueOf(CONTRACTS.orders.buildSchema(settings).safeParse({ ...order, price: '50.00' })), undefined);
      const city = CONTRACTS.customers.buildSchema({ bounds: { customer_city: { maxLength: 5 } } });
      assert.deepEqual(issueOf(city.safeParse({ ...customer, customer_city: 'campinas' })), ['customer_city', 'must be at most 5 characters']);
      assert.deepEqual(issueOf(city.safeParse({ ...customer, customer_city: 'natal' })), undefined);
    });

    it('null tokens and free-text modes come from the settings', () => {
      const parse = (settings: object, values: object) => CONTRACTS.customers.buildSchema(settings).parse({ ...customer, ...values }) as Record<string, unknown>;
      assert.equal(parse({}, { customer_city: 'NULL', customer_name: '#N/A' }).customer_city, null);
      assert.equal(parse({}, { customer_name: '#N/A' }).customer_name, null);
      assert.equal(parse({ nullTokens: ['?'] }, { customer_city: '#N/A' }).customer_city, '#N/A');
      assert.equal(parse({ nullTokens: ['?'] }, { customer_city: '?' }).customer_city, null);
      assert.equal(parse({}, { customer_street: 'Rua A\r\nBloco 2\tfundos' }).customer_street, 'Rua A Bloco 2 fundos');
      assert.equal(parse({}, { customer_city: 'rio\nsul' }).customer_city, 'rio\nsul', 'the city is kept as delivered by its contract');
      const strict = CONTRACTS.customers.buildSchema({ freeText: { customer_street: 'quarantine', customer_city: 'quarantine' } });
      assert.deepEqual(issueOf(strict.safeParse({ ...customer, customer_street: 'Rua A\nBloco 2' })), ['customer_street', 'must not contain control characters (tabs, line breaks)']);
      assert.deepEqual(issueOf(strict.safeParse({ ...customer, customer_city: 'rio\nsul' })), ['customer_city', 'must not contain line breaks or tabs']);
    });

    it('the JavaScript and SQL twins count what was normalised', () => {
      const street = contractColumns(CONTRACTS.customers).find((c) => c.name === 'customer_street')!;
      assert.deepEqual(['Rua A', 'Rua A\nB', '#N/A', ''].map((raw) => street.normalised!(raw)), ['', 'line_break', 'null_token', '']);
      assert.match(street.sql!('raw').normalised, /'null_token'.*'line_break'/);
    });

    it('timestamps outside the default range are refused naming the bound; a year 0001 is never read as 1901', () => {
      const schema = CONTRACTS.customers.schema;
      assert.deepEqual(issueOf(schema.safeParse({ ...customer, updated_at: '0001-03-10 10:00:00' })), ['updated_at', 'must be on or after 1970-01-01']);
      assert.deepEqual(issueOf(schema.safeParse({ ...customer, updated_at: '9999-12-31 23:59:59' })), ['updated_at', 'must be before 2100-01-01']);
      const wide = CONTRACTS.customers.buildSchema({ bounds: { updated_at: { earliest: '0001-01-01' } } });
      assert.equal((wide.parse({ ...customer, updated_at: '0001-03-10 10:00:00' }) as Record<string, unknown>).updated_at, -62129685600000);
    });

    it('settings name the column and the bound that do not fit the contract', () => {
      const result = sourcesSettingsSchema.safeParse({
        orders: { bounds: { price: { maxLength: 3 }, freight_value: { max: 1.005 }, order_approved_at: { earliest: '2030-01-01', before: '2020-01-01' }, no_such: { max: 1 } }, freeText: { order_id: 'normalise' } },
        customers: { bounds: { updated_at: { before: '2024-02-30' } }, nullTokens: [''], freeText: { customer_city: 'shout' } },
      });
      assert.ok(!result.success);
      const messages = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      for (const expected of [
        /^customers\.bounds\.updated_at\.before: must be a date written YYYY-MM-DD$/,
        /^customers\.nullTokens\.0: /,
        /^customers\.freeText\.customer_city: /,
        /^orders\.bounds\.freight_value\.max: must have at most two decimals$/,
      ]) assert.ok(messages.some((m) => expected.test(m)), `${expected} in ${messages.join(' | ')}`);
      const contractChecks = sourcesSettingsSchema.safeParse({
        orders: { bounds: { price: { maxLength: 3 }, order_approved_at: { earliest: '2030-01-01', before: '2020-01-01' }, no_such: { max: 1 } }, freeText: { order_id: 'normalise' } },
      });
      assert.ok(!contractChecks.success);
      assert.deepEqual(contractChecks.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), [
        'orders.bounds.price.maxLength: price is a money column: its bounds are max',
        'orders.bounds.order_approved_at: earliest (2030-01-01) must come before before (2020-01-01)',
        'orders.bounds.no_such: no column no_such in the orders contract',
        'orders.freeText.order_id: order_id is not a free-text column (free text: none)',
      ]);
      assert.ok(sourcesSettingsSchema.safeParse({ orders: { bounds: { price: { max: 5000.5 } } }, customers: { nullTokens: [], freeText: { customer_street: 'quarantine' } } }).success);
    });
  });
});
