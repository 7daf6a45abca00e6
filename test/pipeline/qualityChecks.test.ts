/**
 * Every kind of quality check, declared in configuration, passing on a clean hand-made export and
 * failing on the same export with one defect, through the real ingest and transform activities.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { QualityConfigInput } from '../../domain/settings/quality';
import type { JsonReport } from '../../pipeline/gate/report/jsonReport';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import { CSV_HEADERS } from '../../ops/generate/sampleData';
import { CANARY_CITY, cleanExport, hexId, writeExport, type CraftedExport } from '../helpers/craftedExport';
import { testDataDir } from '../helpers/pipeline';
import { runToQualityGate } from '../helpers/qualityPipeline';
import { freshWarehouse } from '../helpers/warehouse';

const DATE = '2024-03-10';
type Sources = NonNullable<QualityConfigInput['sources']>;

interface Case {
  check: string;
  declare: Sources;
  defect: string;
  breakIt(data: CraftedExport): void;
  /** The sample the report must show for the failure: its line and offending value. */
  sample?: { line: number; value: RegExp };
  headers?: Parameters<typeof writeExport>[2];
}

const CASES: Case[] = [
  {
    check: 'orders_quarantined_share',
    declare: { orders: [{ kind: 'quarantined_share', threshold: 0 }] },
    defect: 'a price that is not an amount',
    breakIt: (d) => void (d.orders[1].price = 'ten'),
    sample: { line: 3, value: /price=ten/ },
  },
  {
    check: 'customers_duplicate_share',
    declare: { customers: [{ kind: 'duplicate_share', threshold: 0 }] },
    defect: 'a customer exported twice',
    breakIt: (d) => void d.customers.push({ ...d.customers[0] }),
  },
  {
    check: 'customers_customer_unique_id_unique',
    declare: { customers: [{ kind: 'unique', columns: ['customer_unique_id'] }] },
    defect: 'two customers with one unique id',
    breakIt: (d) => void (d.customers[2].customer_unique_id = d.customers[0].customer_unique_id),
    sample: { line: 4, value: new RegExp(hexId('d', 1)) },
  },
  {
    check: 'orders_order_approved_at_null_share',
    declare: { orders: [{ kind: 'null_share', column: 'order_approved_at', threshold: 0 }] },
    defect: 'an order line without approval time',
    breakIt: (d) => void (d.orders[2].order_approved_at = ''),
    sample: { line: 4, value: /^null$/ },
  },
  {
    check: 'payments_payment_type_accepted_values',
    declare: { payments: [{ kind: 'accepted_values', column: 'payment_type', values: ['credit_card', 'boleto'] }] },
    defect: 'a voucher payment',
    breakIt: (d) => void (d.payments[3].payment_type = 'voucher'),
    sample: { line: 5, value: /^voucher$/ },
  },
  {
    check: 'orders_price_range',
    declare: { orders: [{ kind: 'range', column: 'price', min: 0.01, max: 5000 }] },
    defect: 'a free order line',
    breakIt: (d) => void (d.orders[0].price = '0.00'),
    sample: { line: 2, value: /^0\.00$/ },
  },
  {
    check: 'customers_customer_zip_code_prefix_pattern',
    declare: { customers: [{ kind: 'pattern', column: 'customer_zip_code_prefix', regex: '^0\\d{4}$' }] },
    defect: 'a zip outside the expected region',
    breakIt: (d) => void (d.customers[1].customer_zip_code_prefix = '90210'),
    sample: { line: 3, value: /^90210$/ },
  },
  {
    check: 'orders_customer_id_exists',
    declare: { orders: [{ kind: 'foreign_key', column: 'customer_id', references: { source: 'customers', column: 'customer_id' } }] },
    defect: 'an order of an unknown customer',
    breakIt: (d) => void (d.orders[3].customer_id = hexId('a', 99)),
    sample: { line: 5, value: new RegExp(hexId('a', 99)) },
  },
  {
    check: 'orders_rule_approval_not_before_purchase',
    declare: { orders: [{ kind: 'business_rule', rule: 'approval_not_before_purchase' }] },
    defect: 'an order approved before it was bought',
    breakIt: (d) => void (d.orders[0].order_approved_at = `${DATE} 00:00:01`),
  },
  {
    check: 'orders_freight_value_vs_price',
    declare: { orders: [{ kind: 'column_comparison', column: 'freight_value', operator: '<=', other_column: 'price' }] },
    defect: 'freight dearer than the goods',
    breakIt: (d) => void (d.orders[1].freight_value = '150.00'),
    sample: { line: 3, value: /freight_value=150\.00, price=100\.00/ },
  },
  {
    check: 'payments_match_order_totals',
    declare: {
      payments: [{
        kind: 'sum_match', name: 'payments_match_order_totals', column: 'payment_value', group_by: 'order_id',
        other: { source: 'orders', column: 'line_total_cents', group_by: 'order_id' },
      }],
    },
    defect: 'a payment one real short',
    breakIt: (d) => void (d.payments[2].payment_value = '109.00'),
    sample: { line: 4, value: /payment_value=109\.00, orders\.line_total_cents=110\.00/ },
  },
  {
    check: 'orders_order_purchase_timestamp_freshness',
    declare: { orders: [{ kind: 'freshness', column: 'order_purchase_timestamp', threshold: 24 }] },
    defect: "yesterday's export landed again",
    breakIt: (d) => {
      for (const o of d.orders) {
        o.order_purchase_timestamp = o.order_purchase_timestamp.replace(DATE, '2024-03-08');
        o.order_approved_at = o.order_approved_at.replace(DATE, '2024-03-08');
      }
    },
    sample: { line: 5, value: /^2024-03-08T14:00:00\.000Z$/ },
  },
  {
    check: 'products_schema_drift',
    declare: { products: [{ kind: 'schema_drift', allow_reorder: false }] },
    defect: 'columns moved in the export',
    breakIt: () => undefined,
    headers: { products: [...CSV_HEADERS.products].reverse() },
    sample: { line: 1, value: /^updated_at$/ },
  },
];

describe('quality checks on crafted data', function () {
  this.timeout(60_000);
  const config = parseQualityConfig({
    builtin: false,
    sources: CASES.reduce<Sources>((all, c) => {
      for (const [source, specs] of Object.entries(c.declare) as [keyof Sources, NonNullable<Sources[keyof Sources]>][]) {
        all[source] = [...(all[source] ?? []), ...specs];
      }
      return all;
    }, {}),
  });

  async function run(breakIt?: (d: CraftedExport) => void, headers?: Case['headers']) {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    const exported = cleanExport(DATE);
    breakIt?.(exported);
    writeExport(data.layout.landingDir(DATE), exported, headers);
    const { quality } = await runToQualityGate({ ...data.settings, qualityChecks: config }, warehouse, DATE);
    const report = JSON.parse(readFileSync(quality.reportFile, 'utf8')) as JsonReport;
    return { quality, report, data };
  }

  it('every declared check passes on the clean export', async () => {
    const { quality } = await run();
    assert.deepEqual(quality.checks.map((c) => c.name).sort(), CASES.map((c) => c.check).sort(), 'one result per declared check');
    assert.deepEqual(quality.checks.filter((c) => c.outcome !== 'pass').map((c) => `${c.name}: ${c.observed} (${c.note})`), []);
    assert.equal(quality.verdict, 'passed');
  });

  for (const c of CASES) {
    it(`${c.check} fails on ${c.defect}`, async () => {
      const { quality, report, data } = await run(c.breakIt, c.headers);
      const result = quality.checks.find((r) => r.name === c.check);
      assert.ok(result, `${c.check} was evaluated`);
      assert.equal(result.outcome, 'fail', `${c.check}: observed ${result.observed} > threshold ${result.threshold} (${result.note})`);
      assert.ok(result.observed > result.threshold);
      assert.equal(quality.verdict, 'failed');
      if (c.sample) {
        const { samples } = report.checks.find((r) => r.name === c.check)!;
        assert.ok(samples.length > 0, 'the report shows failing rows');
        const source = result.source;
        assert.ok(
          samples.some((s) => s.file === data.layout.landingFile(DATE, source) && s.line === c.sample!.line && c.sample!.value.test(s.value)),
          `a sample at line ${c.sample.line} matching ${c.sample.value}: ${JSON.stringify(samples)}`,
        );
      }
      // Samples stay in the report on disk: the summary that goes through Temporal has none.
      assert.ok(!JSON.stringify(quality).includes('samples'));
    });
  }

  it('names missing and unexpected header columns in the schema-drift note', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    writeExport(data.layout.landingDir(DATE), cleanExport(DATE));
    const settings = { ...data.settings, qualityChecks: parseQualityConfig({ builtin: false, sources: { customers: [{ kind: 'schema_drift' }] } }) };
    const { activities, call, quality: clean } = await runToQualityGate(settings, warehouse, DATE);
    assert.equal(clean.checks[0].outcome, 'pass');
    const header = [...CSV_HEADERS.customers.filter((c) => c !== 'customer_state'), 'loyalty_tier'];
    const zero = { rowsRead: 3, rowsQuarantined: 0, duplicatesRemoved: 0 };
    const drifted = await call(activities.checkQuality, {
      businessDate: DATE,
      counts: { customers: { ...zero, header }, products: zero, orders: zero, payments: zero },
    });
    assert.equal(drifted.checks[0].outcome, 'fail');
    assert.equal(drifted.checks[0].observed, 2);
    assert.match(drifted.checks[0].note ?? '', /missing: customer_state; unexpected: loyalty_tier/);
    assert.ok(!JSON.stringify(drifted).includes(CANARY_CITY));
  });
});
