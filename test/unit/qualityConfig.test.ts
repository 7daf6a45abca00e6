/**
 * The quality configuration: a YAML file named by CARTWHEEL_QUALITY_CONFIG, merged with the built-in
 * checks, and errors that name the file, the check and the problem; plus the HTML report's promises
 * (self-contained, every value escaped).
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DIMENSIONS } from '../../pipeline/gate/checks';
import { parseQualityConfig } from '../../domain/settings/loadQualityConfig';
import { renderHtmlReport } from '../../pipeline/gate/report/html';
import { toJsonReport } from '../../pipeline/gate/report/jsonReport';
import { resolveChecks } from '../../pipeline/gate/resolveChecks';
import { DEFAULT_QUALITY_THRESHOLDS } from '../../domain/settings/index';
import { loadConfig } from '../../workers/config';
import { tempDir } from '../helpers/tempDirs';

const YAML = `# checks of the shop's exports
sample_size: 3
sources:
  orders:
    - kind: quarantined_share        # replaces the built-in check of the same name
      threshold: 0.01
    - kind: range
      column: freight_value
      max: 500                       # in reais: money is declared in currency units
      severity: warn
      threshold: 0.02
  customers:
    - name: customers_zip_is_sao_paulo
      kind: pattern
      column: customer_zip_code_prefix
      regex: '^0\\d{4}$'
      severity: warn
      threshold: 0.5
`;

function writeConfig(text: string): string {
  const file = path.join(tempDir('quality-config'), 'quality.yaml');
  writeFileSync(file, text);
  return file;
}

describe('quality configuration', () => {
  it('loads declared checks from the YAML file named by CARTWHEEL_QUALITY_CONFIG, on top of the built-in ones', () => {
    const config = loadConfig({ CARTWHEEL_QUALITY_CONFIG: writeConfig(YAML) });
    const declared = config.pipeline.qualityChecks!;
    assert.equal(declared.sample_size, 3);
    const checks = resolveChecks(declared, config.pipeline.quality);
    const byName = new Map(checks.map((c) => [c.name, c]));
    assert.equal(byName.get('orders_quarantined_share')?.threshold, 0.01, 'declared replaces built-in');
    assert.equal(checks.filter((c) => c.name === 'orders_quarantined_share').length, 1);
    assert.deepEqual(
      { ...byName.get('orders_freight_value_range'), target: undefined },
      { kind: 'range', column: 'freight_value', max: 500, severity: 'warn', threshold: 0.02, name: 'orders_freight_value_range', source: 'orders', dimension: 'validity', target: undefined },
    );
    assert.equal(byName.get('customers_zip_is_sao_paulo')?.dimension, 'validity');
    assert.ok(byName.has('payments_order_id_exists'), 'built-in checks stay');
    assert.equal(config.pipeline.alerts?.webhookUrl, undefined);
  });

  it('without a file, the built-in checks cover every dimension, tuned by the threshold variables', () => {
    const config = loadConfig({ CARTWHEEL_MAX_ORPHAN_SHARE: '0.01' });
    assert.equal(config.pipeline.qualityChecks, undefined);
    const checks = resolveChecks(undefined, config.pipeline.quality);
    assert.deepEqual([...new Set(checks.map((c) => c.dimension))].sort(), [...DIMENSIONS].sort());
    assert.equal(checks.find((c) => c.name === 'orders_customer_id_exists')?.threshold, 0.01);
    assert.deepEqual(resolveChecks(parseQualityConfig({ builtin: false }), DEFAULT_QUALITY_THRESHOLDS), []);
  });

  it('names the file, the check and the problem when a check does not fit the contract', () => {
    const file = writeConfig(`sources:
  orders:
    - kind: null_share
      column: order_city
    - kind: range
      column: order_status
      min: 1
  payments:
    - kind: foreign_key
      column: order_id
      references: { source: orders, column: id }
    - kind: trailing_metric
      metric: revenue
      threshold: 0.5
    - kind: sometimes
`);
    assert.throws(() => loadConfig({ CARTWHEEL_QUALITY_CONFIG: file }), (error: Error) => {
      assert.match(error.message, /quality\.yaml: invalid quality configuration:/);
      assert.match(error.message, /sources\.payments\.2\.kind: Invalid discriminator value\. Expected 'quarantined_share' \| 'duplicate_share'/);
      return true;
    });
    const problems = (() => {
      try {
        parseQualityConfig({
          sources: {
            orders: [{ kind: 'null_share', column: 'order_city' }, { kind: 'range', column: 'order_status', min: 1 }],
            payments: [{ kind: 'foreign_key', column: 'order_id', references: { source: 'orders', column: 'id' } }, { kind: 'trailing_metric', metric: 'revenue', threshold: 0.5 }],
          },
        });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    assert.match(problems, /sources\.orders\.0: "order_city" is not a column of orders \(columns: order_id, /);
    assert.match(problems, /sources\.orders\.1: orders\.order_status is stored as string; range needs a whole-number or money column/);
    assert.match(problems, /sources\.payments\.0: "id" is not a column of orders/);
    assert.match(problems, /sources\.payments\.1: metric revenue is measured on orders, not payments/);
  });

  it('refuses a pattern the warehouse cannot match (RE2: no lookaround, no back-references)', () => {
    const pattern = (regex: string) => () => parseQualityConfig({ sources: { customers: [{ kind: 'pattern', column: 'customer_zip_code_prefix', regex }] } });
    for (const regex of ['^(?=0)\\d{5}$', '^(?!9)\\d{5}$', '(?<=0)1', '^(\\d)\\1'])
      assert.throws(pattern(regex), /sources\.customers\.0\.regex: uses lookaround or a back-reference, which the warehouse \(RE2 regular expressions\) does not support/, regex);
    assert.doesNotThrow(pattern('^0\\d{4}$'));
  });

  it('refuses two declared checks with one name, and a share threshold above 1', () => {
    const twice = parseQualityConfig({ sources: { orders: [{ kind: 'null_share', column: 'order_approved_at' }, { kind: 'null_share', column: 'order_approved_at' }] } });
    assert.throws(() => resolveChecks(twice, DEFAULT_QUALITY_THRESHOLDS), /quality check orders_order_approved_at_null_share is declared twice for orders; give one an explicit name/);
    assert.throws(() => parseQualityConfig({ sources: { orders: [{ kind: 'duplicate_share', threshold: 2 }] } }), /sources\.orders\.0\.threshold: Too big/);
  });

  it('reads the webhook and alert level from the environment, and never echoes a bad URL', () => {
    const config = loadConfig({ CARTWHEEL_ALERT_WEBHOOK_URL: 'https://hooks.example.com/T1/B2/secret', CARTWHEEL_ALERT_ON: 'fail' });
    assert.deepEqual(config.pipeline.alerts, { webhookUrl: 'https://hooks.example.com/T1/B2/secret', on: 'fail', timeoutMs: 10_000 });
    assert.throws(() => loadConfig({ CARTWHEEL_ALERT_WEBHOOK_URL: 'ftp://hooks.example.com/secret' }), (error: Error) => {
      assert.match(error.message, /CARTWHEEL_ALERT_WEBHOOK_URL: must be an http\(s\) URL/);
      assert.ok(!error.message.includes('secret'));
      return true;
    });
  });
});

describe('HTML quality report', () => {
  it('is one self-contained page: a chart per dimension, no scripts or remote resources, every value escaped', () => {
    const hostile = '<script>alert("x")</script>';
    const report = toJsonReport({
      businessDate: '2024-03-10',
      runId: 'run-1',
      verdict: 'failed',
      generatedAt: new Date('2024-03-11T06:00:00Z'),
      outcomes: [
        { result: { name: 'orders_x_pattern', kind: 'pattern', source: 'orders', dimension: 'validity', target: 'orders.x', observed: 0.5, threshold: 0, unit: 'share', severity: 'error', outcome: 'fail' }, samples: [{ file: '/l/orders.csv', line: 7, key: 'order_id=1', value: hostile }] },
        { result: { name: 'orders_volume', kind: 'volume', source: 'orders', dimension: 'volume', target: 'orders rows', observed: 0.1, threshold: 0.5, unit: 'deviation', severity: 'warn', outcome: 'pass', note: 'no history' }, samples: [] },
      ],
    });
    const html = renderHtmlReport(report, new Map([['orders_volume', [{ businessDate: '2024-03-09', runId: 'r0', observed: 0.2, threshold: 0.5, outcome: 'pass' }]]]));
    assert.ok(!/<script/i.test(html), 'no script, and the hostile sample is escaped');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(!/\b(src|href)\s*=/i.test(html), 'nothing loaded from elsewhere');
    assert.match(html, /id="dimension-validity"[\s\S]*<svg[\s\S]*id="dimension-volume"[\s\S]*<svg/);
    assert.match(html, /<h4>Trend over the last 2 runs<\/h4>/);
    assert.match(html, /<td class="num">50\.00 %<\/td><td class="num">0\.00 %<\/td>/);
  });
});
