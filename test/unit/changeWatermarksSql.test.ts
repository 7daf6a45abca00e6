/**
 * clickhouse/ops/change_watermarks.sql, the query the README shows for change-batch lag, runs on the
 * embedded warehouse and answers per source with the latest batch's watermark and lags (it once
 * failed: an alias named applied_at shadowed the column, so dateDiff got a String).
 */
import { strict as assert } from 'node:assert';
import { readSql } from '../../clickhouse/sqlFiles';
import { freshWarehouse, rows } from '../helpers/warehouse';

describe('clickhouse/ops/change_watermarks.sql', () => {
  it('gives per source the latest batch, its watermark, apply lag and age', async () => {
    const warehouse = await freshWarehouse();
    const batch = (source: string, id: string, watermark: string, newest: string, applied: string, n: number) =>
      `('${source}', '${id}', '${watermark}', '${newest}', ${n}, ${n}, 1, 2, 0, 0, [202403], 'wf', 'run', '${applied}')`;
    await warehouse.client.command({
      query: `INSERT INTO change_watermarks (source, batch_id, watermark, batch_newest, rows_read, rows_applied, rows_already_applied, rows_quarantined,
        rows_duplicate, rows_dropped, months_rebuilt, workflow_id, run_id, applied_at) VALUES
        ${batch('orders', 'b1', '2024-04-05 09:00:00.000', '2024-04-05 09:00:00.000', '2024-04-05 10:00:00.000', 5)},
        ${batch('orders', 'b2', '2024-04-06 09:00:00.000', '2024-04-06 09:30:00.000', '2024-04-06 10:00:00.000', 7)},
        ${batch('payments', 'b1', '2024-04-05 08:00:00.000', '2024-04-05 08:00:00.000', '2024-04-05 10:00:00.000', 3)}`,
    });
    const found = await rows<Record<string, string | number>>(warehouse, readSql('ops/change_watermarks.sql'));
    assert.equal(found.length, 2);
    const [orders, payments] = found;
    assert.equal(orders.source, 'orders');
    assert.equal(orders.latest_batch, 'b2');
    assert.equal(orders.watermark, '2024-04-06 09:00:00.000');
    assert.equal(orders.applied_at, '2024-04-06 10:00:00.000');
    assert.equal(Number(orders.apply_lag_s), 30 * 60);
    assert.ok(Number(orders.age_s) > 365 * 86_400, 'age counts from the watermark to now');
    assert.equal(Number(orders.batches), 2);
    assert.equal(Number(orders.rows_applied), 12);
    assert.equal(Number(orders.rows_quarantined), 4);
    assert.equal(payments.latest_batch, 'b1');
    assert.equal(Number(payments.apply_lag_s), 2 * 3600);
  });
});
