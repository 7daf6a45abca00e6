import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { sourcesSettingsSchema } from '../../domain/settings/sources';
import { DERIVED_SQL } from '../../pipeline/clean/transformSql';
import { loadEnvironment, ENVIRONMENTS } from '../../workers/environments';
import { id, ingestAndTransform, land } from '../helpers/sourceFiles';
import { rows as queryRows, testWarehouse } from '../helpers/warehouse';

const ORDERS = 'order_id,order_item_id,customer_id,product_id,seller_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_customer_date,order_estimated_delivery_date,price,freight_value';
const line = (order: string, item: number, status: string, purchase: string, delivered: string, estimated: string, price = '10.00', approved = '') =>
  `${id(order)},${item},${id('c')},${id('e')},${id('f')},${status},${purchase},${approved},${delivered},${estimated},${price},2.50`;

describe('transform', () => {
  it('adds calculated fields: line and order totals, purchase parts, delivery days and lateness', async () => {
    const { rows } = await ingestAndTransform(land('orders', [
      ORDERS,
      line('a', 1, 'delivered', '2024-03-10 10:00:00', '2024-03-15 09:00:00', '2024-03-14 00:00:00', '10.00'),
      line('a', 2, 'delivered', '2024-03-10 10:00:00', '2024-03-15 09:00:00', '2024-03-14 00:00:00', '5.55'),
      line('b', 1, 'shipped', '2024-03-10 23:30:00', '', '2024-03-20 00:00:00'),
    ].join('\n') + '\n'), 'orders');
    const [a1, a2, b1] = [...rows].sort((x, y) => Number(x.source_line) - Number(y.source_line));
    assert.deepEqual([a1.line_total_cents, a2.line_total_cents], [1250, 805]);
    assert.deepEqual([a1.order_total_cents, a1.order_line_count, b1.order_total_cents], [2055, 2, 1250]);
    assert.deepEqual([a1.purchase_date, a1.purchase_year, a1.purchase_month, a1.purchase_weekday], ['2024-03-10', 2024, 3, 7]);
    assert.deepEqual([a1.delivery_days, a1.is_late, b1.delivery_days, b1.is_late], [4, 1, null, null]);
  });

  it('order totals, line counts and statuses are over each order\'s surviving lines: a replaced duplicate is not counted', async () => {
    const { rows, transformed } = await ingestAndTransform(land('orders', [
      ORDERS,
      line('a', 1, 'shipped', '2024-03-10 10:00:00', '', '2024-03-14 00:00:00', '10.00'), // replaced by line 4
      line('a', 2, 'delivered', '2024-03-10 10:00:00', '2024-03-15 09:00:00', '2024-03-14 00:00:00', '5.55'),
      line('a', 1, 'delivered', '2024-03-10 10:00:00', '2024-03-15 09:00:00', '2024-03-14 00:00:00', '7.00'),
    ].join('\n') + '\n'), 'orders');
    assert.equal(transformed.duplicatesRemoved, 1);
    const sorted = [...rows].sort((x, y) => Number(x.source_line) - Number(y.source_line));
    assert.deepEqual(sorted.map((r) => [Number(r.source_line), r.order_total_cents, r.order_line_count]), [[3, 1755, 2], [4, 1755, 2]]);
    assert.ok(sorted.every((r) => !String(r.rule_flags).includes('order_lines_share_status')), 'the replaced line\'s status is not the order\'s');
  });

  it('enforces business rules: quarantines a delivery before purchase, flags the rest', async () => {
    const { rows, transformed } = await ingestAndTransform(land('orders', [
      ORDERS,
      line('a', 1, 'delivered', '2024-03-10 10:00:00', '2024-03-09 09:00:00', '2024-03-14 00:00:00'),
      line('b', 1, 'delivered', '2024-03-10 10:00:00', '', '2024-03-14 00:00:00'),
      line('c', 1, 'shipped', '2024-03-10 10:00:00', '', '2024-03-14 00:00:00', '1.00', '2024-03-09 10:00:00'),
      line('c', 2, 'canceled', '2024-03-10 10:00:00', '', '2024-03-14 00:00:00'),
    ].join('\n') + '\n'), 'orders');
    assert.equal(transformed.rowsQuarantined, 1);
    const quarantine = readFileSync(transformed.rulesQuarantineFile, 'utf8');
    assert.match(quarantine, /,2,,,business rule delivery_not_before_purchase: an order cannot be delivered before it was bought,/);
    assert.ok(quarantine.includes(`${id('a')},1,`), 'the quarantined row keeps its original values');
    const flags = Object.fromEntries(rows.map((r) => [`${String(r.order_id)[0]}${r.order_item_id}`, r.rule_flags]));
    assert.deepEqual(flags, {
      b1: 'delivery_date_matches_status',
      c1: 'approval_not_before_purchase,order_lines_share_status',
      c2: 'order_lines_share_status',
    });
    const counts = Object.fromEntries(transformed.ruleViolations.map((v) => [v.rule, [v.action, v.count]]));
    assert.deepEqual(counts.order_lines_share_status, ['flag', 2]);
    assert.deepEqual(counts.delivery_not_before_purchase, ['quarantine', 1]);
  });

  it('a row a rule quarantines is written as delivered: landed again, it reads back to the same values', async () => {
    const PRODUCTS = 'product_id,product_category_name,product_weight_g,product_length_cm,product_height_cm,product_width_cm,updated_at';
    const content = `${PRODUCTS}\n${id('a')},"toys, ""big""\nand small",0,10,10,10,2024-03-10T10:00:00.5Z\n${id('b')},,5,10,10,10,2024-03-10 10:00:00\n`;
    const strict = { rules: { product_has_dimensions: 'quarantine' as const }, nullStrategies: {}, freeText: { product_category_name: 'keep' as const } };
    const first = await ingestAndTransform(land('products', content), 'products', strict);
    assert.equal(first.transformed.rowsQuarantined, 1);
    const quarantined = readFileSync(first.transformed.rulesQuarantineFile, 'utf8');
    const again = land('products', quarantined);
    const flagged = await ingestAndTransform(again, 'products', { ...strict, rules: { product_has_dimensions: 'flag' } });
    assert.equal(flagged.ingested.rowsQuarantined, 0, 'the quarantine file is a valid export');
    const [row] = flagged.rows;
    assert.deepEqual(
      [row.product_id, row.product_category_name, row.product_weight_g, row.updated_at, row.rule_flags],
      [id('a'), 'toys, "big"\nand small', 0, Date.UTC(2024, 2, 10, 10, 0, 0, 500), 'product_has_dimensions'],
    );
    // Money and timestamps too: an order line delivered before it was bought.
    const order = await ingestAndTransform(land('orders', `${ORDERS}\n${line('a', 1, 'delivered', '2024-03-10 10:00:00', '2024-03-09 09:00:00', '2024-03-14 00:00:00', '1234.05')}\n`), 'orders');
    const relanded = land('orders', readFileSync(order.transformed.rulesQuarantineFile));
    const back = await ingestAndTransform(relanded, 'orders', { rules: { delivery_not_before_purchase: 'flag' } });
    assert.deepEqual(
      [back.rows[0].price, back.rows[0].freight_value, back.rows[0].order_delivered_customer_date, back.rows[0].order_approved_at],
      [123405, 250, Date.UTC(2024, 2, 9, 9), null],
    );
  });

  it('rule actions can be changed or switched off by configuration', async () => {
    const content = `${ORDERS}\n${line('a', 1, 'delivered', '2024-03-10 10:00:00', '2024-03-09 09:00:00', '2024-03-14 00:00:00')}\n`;
    const flagged = await ingestAndTransform(land('orders', content), 'orders', { rules: { delivery_not_before_purchase: 'flag' } });
    assert.equal(flagged.rows[0].rule_flags, 'delivery_not_before_purchase');
    const off = await ingestAndTransform(land('orders', content), 'orders', { rules: { delivery_not_before_purchase: 'off' } });
    assert.equal(off.rows[0].rule_flags, '');
  });

  it('applies each null strategy and counts it; a dropped row is accounted for', async () => {
    const PRODUCTS = 'product_id,product_category_name,product_weight_g,product_length_cm,product_height_cm,product_width_cm,updated_at';
    const content = `${PRODUCTS}\n${id('a')},,100,10,10,10,2024-03-10 10:00:00\n${id('b')},toys,100,10,10,10,2024-03-10 10:00:00\n`;
    const strategies = {
      unknown: { strategy: 'unknown_member' as const },
      constant: { strategy: 'fill_constant' as const, value: 'uncategorised' },
      drop: { strategy: 'drop_row' as const },
    };
    const results: Record<string, unknown> = {};
    for (const [name, strategy] of Object.entries(strategies)) {
      const { rows, transformed, ingested } = await ingestAndTransform(land('products', content), 'products', { nullStrategies: { product_category_name: strategy } });
      results[name] = [rows.map((r) => r.product_category_name).sort(), transformed.nullsHandled, transformed.rowsDropped];
      assert.equal(ingested.rowsRead, rows.length + transformed.rowsDropped);
    }
    assert.deepEqual(results, {
      unknown: [['toys', 'unknown'], [{ column: 'product_category_name', strategy: 'unknown_member', count: 1 }], 0],
      constant: [['toys', 'uncategorised'], [{ column: 'product_category_name', strategy: 'fill_constant', count: 1 }], 0],
      drop: [['toys'], [{ column: 'product_category_name', strategy: 'drop_row', count: 1 }], 1],
    });
  });

  it('fills a missing timestamp from another column', async () => {
    const content = `${ORDERS}\n${line('a', 1, 'shipped', '2024-03-10 10:00:00', '', '2024-03-14 00:00:00')}\n`;
    const { rows } = await ingestAndTransform(land('orders', content), 'orders', {
      nullStrategies: { order_approved_at: { strategy: 'fill_from_column', column: 'order_purchase_timestamp' } },
    });
    assert.equal(rows[0].order_approved_at, Date.UTC(2024, 2, 10, 10));
  });

  it('buckets instalments', async () => {
    const installmentBucket = await queryRows<{ bucket: string }>(await testWarehouse(), `SELECT ${DERIVED_SQL.payments.installment_bucket} AS bucket FROM (SELECT arrayJoin([0, 1, 2, 3, 4, 6, 7, 12, 13, 24]) AS payment_installments) ORDER BY payment_installments`);
    assert.deepEqual(installmentBucket.map((r) => r.bucket), ['0', '1', '2-3', '2-3', '4-6', '4-6', '7-12', '7-12', '13+', '13+']);
  });
});

describe('pipeline configuration', () => {
  it('every shipped environment file is valid', () => {
    for (const name of ENVIRONMENTS) assert.doesNotThrow(() => loadEnvironment(name), name);
  });

  it('names the setting when a column, strategy, key or rule is wrong', () => {
    const messagesOf = (settings: unknown) => {
      const result = sourcesSettingsSchema.safeParse(settings);
      assert.ok(!result.success);
      return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    assert.match(messagesOf({ orders: { dateFormats: ['yyyy'] } })[0], /^orders\.dateFormats\.0: /);
    // Checks against the contracts run once the shape is right.
    const messages = messagesOf({
      orders: {
        dedupKey: ['order_item_id'],
        nullStrategies: { order_city: { strategy: 'unknown_member' }, customer_id: { strategy: 'drop_row' } },
        rules: { no_such_rule: 'flag' },
      },
      products: { nullStrategies: { product_category_name: { strategy: 'fill_constant', value: 3 } } },
    });
    const expect = [
      /^orders\.dedupKey: must include order_id/,
      /^orders\.nullStrategies\.order_city: no column order_city in the orders contract/,
      /^orders\.nullStrategies\.customer_id: customer_id is required by the contract/,
      /^orders\.rules\.no_such_rule: no business rule no_such_rule for orders/,
      /^products\.nullStrategies\.product_category_name\.value: product_category_name holds string values/,
    ];
    for (const pattern of expect) assert.ok(messages.some((m) => pattern.test(m)), `${pattern} in\n${messages.join('\n')}`);
  });
});
