/**
 * A retried ingest replaces the statement an earlier attempt left running on the server
 * (clickhouse/replacingStatement.ts), instead of racing it over the same partition files. The
 * earlier attempt here is a real ingest whose statement is still running when the retry starts, as
 * it is when its worker died or its request was aborted and the server has not noticed yet.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_DATE_FORMATS } from '../../domain/contracts/timestamps';
import { dayFile } from '../../pipeline/landedFile';
import { DataLayout, HANDOVER_FORMAT } from '../../domain/layout';
import { ingestSource, type IngestSummary } from '../../pipeline/read/ingestSource';
import type { Warehouse } from '../../clickhouse/client';
import { replacingStatement } from '../../clickhouse/replacingStatement';
import { activityEnvironment } from '../helpers/activityEnvironment';
import { tempDir } from '../helpers/tempDirs';
import { scalar, serverWarehouse } from '../helpers/warehouse';

const DATE = '2024-03-10';
const LINES = 400_000;
const OPTIONS = { contract: { dateFormats: DEFAULT_DATE_FORMATS }, partitionBytes: 4 << 20 };

function landPayments(layout: DataLayout): void {
  mkdirSync(layout.landingDir(DATE), { recursive: true });
  const lines = ['order_id,payment_sequential,payment_type,payment_installments,payment_value'];
  for (let i = 0; i < LINES; i += 1) lines.push(`${i.toString(16).padStart(32, '0')},1,credit_card,${1 + (i % 10)},${(10 + (i % 900)).toFixed(2)}`);
  writeFileSync(layout.landingFile(DATE, 'payments'), `${lines.join('\n')}\n`);
}

describe('a retried statement replaces the one an earlier attempt left running (chDB server)', function () {
  this.timeout(180_000);
  let loader: Warehouse;
  let admin: Warehouse;

  before(async () => {
    admin = await serverWarehouse('cartwheel_server', 'admin'); // creates the database when missing
    loader = await serverWarehouse('cartwheel_server', 'loader');
  });

  after(async () => {
    await loader?.close();
    await admin?.close();
  });

  it("a second ingest of the same file cancels the first one's statement and writes the partitions alone", async () => {
    const layout = new DataLayout(tempDir('replacing'));
    landPayments(layout);
    const ingest = () => activityEnvironment().run(ingestSource, loader, layout, OPTIONS, { businessDate: DATE, source: 'payments' as const }) as Promise<IngestSummary>;
    const { work } = dayFile(layout, DATE, 'payments');
    const { query_id } = replacingStatement(loader, 'ingest', work.dir);
    assert.ok(query_id, 'a server statement has a query_id');
    const running = () => scalar(admin, 'SELECT count() FROM system.processes WHERE query_id = {id:String}', { id: query_id });

    const first = ingest().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    // The first attempt's statement is on the server (the file scan before it takes a moment).
    for (const deadline = Date.now() + 60_000; await running() === 0; await delay(20)) {
      assert.ok(Date.now() < deadline, 'the first ingest statement never showed in system.processes');
    }
    const retried = await ingest();

    const earlier = await first;
    assert.ok(earlier instanceof Error, 'the first attempt was replaced, not completed beside the retry');
    assert.match(earlier.message, /QUERY_WAS_CANCELLED|cancelled/i);
    assert.equal(retried.rowsRead, LINES);
    assert.equal(retried.rowsValid, LINES);
    const written = await scalar(admin, `SELECT count() FROM file({glob:String}, ${HANDOVER_FORMAT.name}, 'source_line Int32')`, { glob: `${work.dir}/valid-*.${HANDOVER_FORMAT.extension}` });
    assert.equal(written, LINES);
    const distinct = await scalar(admin, `SELECT uniqExact(source_line) FROM file({glob:String}, ${HANDOVER_FORMAT.name}, 'source_line Int32')`, { glob: `${work.dir}/valid-*.${HANDOVER_FORMAT.extension}` });
    assert.equal(distinct, LINES);
  });
});
