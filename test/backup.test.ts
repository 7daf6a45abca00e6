/**
 * Warehouse backup and restore on the embedded warehouse: two loaded days are backed up to Parquet,
 * the database is dropped and re-migrated, and the restore must give every table back identical.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { backupWarehouse } from '../ops/backup/backupWarehouse';
import { restoreWarehouse } from '../ops/backup/restoreWarehouse';
import { testDataDir } from './helpers/pipeline';
import { runDay } from './helpers/runActivities';
import { loadedTableChecksums } from './helpers/starSchema';
import { tempDir } from './helpers/tempDirs';
import { freshWarehouse, scalar } from './helpers/warehouse';

describe('warehouse backup and restore', function () {
  this.timeout(300_000);

  it('restores every table identical after the database is lost', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    for (const day of ['2024-03-10', '2024-04-02']) {
      await data.generate(day, 120);
      await runDay(data.settings, warehouse, day);
    }
    const original = await loadedTableChecksums(warehouse);
    const dir = path.join(tempDir('backup'), 'b1');
    const manifest = await backupWarehouse(warehouse.client, dir);
    assert.ok(manifest.tables.some((t) => t.table === 'fact_sales' && t.rows > 0));
    await assert.rejects(backupWarehouse(warehouse.client, dir), /already exists: backups are never overwritten/);

    await freshWarehouse();
    assert.equal(await scalar(warehouse, 'SELECT count() FROM fact_sales'), 0);
    await restoreWarehouse(warehouse.client, dir);
    for (const [table, sum] of Object.entries(original)) assert.ok(!sum.startsWith('0:'), `${table} held rows`);
    assert.deepEqual(await loadedTableChecksums(warehouse), original, 'every loaded table is identical after the restore');

    // A damaged file is refused before any table is touched.
    appendFileSync(path.join(dir, 'fact_sales.parquet'), 'x');
    await freshWarehouse();
    await assert.rejects(restoreWarehouse(warehouse.client, dir), /backup file fact_sales\.parquet does not match its sha256 .* nothing was restored/);
    assert.equal(await scalar(warehouse, 'SELECT count() FROM dim_date'), 0);
    assert.ok(!existsSync(`${dir}.partial`));
  });
});
