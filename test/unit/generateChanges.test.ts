/** The change batch generator (ops/generate/changedRows.ts) and its CLI flags. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { changeRowSchema } from '../../domain/contracts/changes';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { generateChangeBatch } from '../../ops/generate/changedRows';
import { readCsv } from '../helpers/changeBatches';
import { tempDir } from '../helpers/tempDirs';

const DAY = '2024-03-10';
const BATCH = '20240320T101500Z';

describe('change batch generator', () => {
  const cli = path.resolve(__dirname, '../../ops/generate/cli.ts');
  const run = (args: string[], dataDir: string) =>
    spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), cli, ...args], { encoding: 'utf8', env: { ...process.env, CARTWHEEL_DATA_DIR: dataDir } });

  it('re-exports lines of a generated day with a later status or delivery and a valid updated_at, deterministically', async () => {
    const [a, b] = [tempDir('gen-changes'), tempDir('gen-changes')];
    for (const dir of [a, b]) {
      await generateDailyExport({ businessDate: DAY, orders: 60, seed: 7, outDir: path.join(dir, 'landing', DAY) });
      generateChangeBatch({ batchId: BATCH, fromDates: [DAY], dataDir: dir, orders: 5, payments: 3, seed: 2 });
    }
    for (const file of ['orders.csv', 'payments.csv']) {
      assert.equal(readFileSync(path.join(a, 'landing', 'changes', BATCH, file), 'utf8'), readFileSync(path.join(b, 'landing', 'changes', BATCH, file), 'utf8'));
    }
    const orders = readCsv(path.join(a, 'landing', 'changes', BATCH, 'orders.csv'));
    const exported = new Map(readCsv(path.join(a, 'landing', DAY, 'orders.csv')).map((r) => [`${r.order_id}/${r.order_item_id}`, r]));
    assert.equal(new Set(orders.map((r) => r.order_id)).size, 5, 'five orders, every line of each');
    const validate = z.compile(changeRowSchema('orders'));
    for (const line of orders) {
      assert.ok(validate.safeParse(line).success, 'passes the change contract');
      const before = exported.get(`${line.order_id}/${line.order_item_id}`)!;
      assert.ok(before, 'a line of the day');
      assert.ok(line.order_status !== before.order_status || line.order_delivered_customer_date !== before.order_delivered_customer_date, 'something changed');
      assert.ok(line.updated_at >= '2024-03-20 09:15:00' && line.updated_at <= '2024-03-20 10:15:00', 'updated in the hour before the export');
    }
    assert.equal(readCsv(path.join(a, 'landing', 'changes', BATCH, 'payments.csv')).length, 3);
  });

  it('is wired into npm run generate as --changes, with usage errors naming the flag', async () => {
    const dir = tempDir('gen-changes-cli');
    assert.equal(run(['--date', DAY, '--orders', '40', '--seed', '1'], dir).status, 0);
    const ok = run(['--changes', BATCH, '--from-date', DAY, '--orders', '3', '--payments', '2'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(path.join(dir, 'landing', 'changes', BATCH, 'orders.csv')));
    const bad = run(['--changes', '2024-03-20', '--from-date', DAY], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--changes is not of the form YYYYMMDDTHHMMSSZ/);
    const again = run(['--changes', BATCH, '--from-date', DAY], dir);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds files: a landed batch is never rewritten; pick a later batch id/);
    const missingDay = run(['--changes', '20240321T000000Z', '--from-date', '2024-03-11'], dir);
    assert.equal(missingDay.status, 1);
    assert.match(missingDay.stderr, /no orders\.csv for 2024-03-11/);
  });
});
