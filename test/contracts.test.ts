import { strict as assert } from 'node:assert';
import { CONTRACTS, contractColumns, SOURCE_NAMES, stagedColumns } from '../activities/contracts';
import { parseTimestamp } from '../activities/contracts/timestamps';
import { clickhouseTypeOf } from '../activities/load/rawTables';
import { arrowTypeOf } from '../activities/stage/arrowColumns';
import { CSV_HEADERS } from '../ops/generate/sampleData';

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
});
