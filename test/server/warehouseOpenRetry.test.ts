/** Opening the warehouse waits out an outage with backoff, then fails clearly; other errors fail at once. */
import { strict as assert } from 'node:assert';
import { WarehouseUnavailable } from '../../clickhouse/client';
import { openWarehouseWithRetry } from '../../clickhouse/openWithRetry';
import { freePort } from '../../ops/stack/freePort';

describe('opening the warehouse with retries', () => {
  const policy = { attempts: 3, initialDelayMs: 50, maxDelayMs: 80 };

  it('retries a closed server port with growing back-offs, then names the server but not the password', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const retries: string[] = [];
    const started = Date.now();
    await assert.rejects(
      openWarehouseWithRetry({ url, password: 'open-sesame-secret', database: 'cartwheel', chdbPath: '/nonexistent' }, policy, (m) => retries.push(m)),
      (error: Error) => {
        assert.ok(error instanceof WarehouseUnavailable);
        assert.match(error.message, /^warehouse unavailable after 3 attempts over [\d.]+ s: cannot open database cartwheel on ClickHouse at http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/);
        assert.ok(!error.message.includes('open-sesame-secret'));
        return true;
      },
    );
    assert.deepEqual(retries.map((m) => /attempt (\d) of 3\), retrying in ([\d.]+) s/.exec(m)?.slice(1).join('@')), ['1@0.1', '2@0.1']);
    assert.ok(retries.every((m) => !m.includes('open-sesame-secret')));
    assert.ok(Date.now() - started >= 50 + 80, 'it waited between attempts');
  });

  it('does not retry what waiting cannot fix', async () => {
    const retries: string[] = [];
    await assert.rejects(
      openWarehouseWithRetry({ url: 'http://127.0.0.1:1', database: 'no-such-db;', chdbPath: '/nonexistent' }, policy, (m) => retries.push(m)),
      (error: Error) => !(error instanceof WarehouseUnavailable) && /not a valid identifier/.test(error.message),
    );
    assert.deepEqual(retries, []);
  });
});
