/**
 * Warehouse backup and restore on the embedded warehouse: two loaded days are backed up to Parquet,
 * the database is dropped and re-migrated, and the restore must give every table back identical.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { backupWarehouse } from '../ops/backup/backupWarehouse';
import { BACKUP_MANIFEST, type BackupManifest } from '../ops/backup/backupManifest';
import { restoreWarehouse } from '../ops/backup/restoreWarehouse';
import { tableChecksum } from '../ops/backup/tableChecksum';
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

  it('the table checksum sees a change in a row holding a NULL, and equal rows do not cancel out', async () => {
    const warehouse = await freshWarehouse();
    const { client } = warehouse;
    await client.command({ query: 'CREATE TABLE checksum_probe (k UInt8, v UInt8, note Nullable(String)) ENGINE = MergeTree ORDER BY k' });
    await client.command({ query: "INSERT INTO checksum_probe VALUES (1, 1, NULL), (2, 2, 'x')" });
    const before = { v2: await tableChecksum(client, 'checksum_probe'), v1: await tableChecksum(client, 'checksum_probe', 1) };
    await client.command({ query: 'ALTER TABLE checksum_probe UPDATE v = 9 WHERE k = 1 SETTINGS mutations_sync = 1' });
    assert.notDeepEqual(await tableChecksum(client, 'checksum_probe'), before.v2, 'a changed value beside a NULL changes the checksum');
    assert.deepEqual(await tableChecksum(client, 'checksum_probe', 1), before.v1, 'version 1 was blind to it (kept only for old backups)');
    await client.command({ query: 'TRUNCATE TABLE checksum_probe' });
    await client.command({ query: "INSERT INTO checksum_probe VALUES (1, 1, 'a'), (1, 1, 'a')" });
    const twice = await tableChecksum(client, 'checksum_probe');
    await client.command({ query: 'TRUNCATE TABLE checksum_probe' });
    await client.command({ query: "INSERT INTO checksum_probe VALUES (2, 2, 'b'), (2, 2, 'b')" });
    assert.notEqual((await tableChecksum(client, 'checksum_probe')).checksum, twice.checksum, 'two equal rows do not cancel out');
  });

  it('restores a backup written with version 1 checksums (a manifest without checksumVersion)', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 80);
    await runDay(data.settings, warehouse, '2024-03-10');
    const original = await loadedTableChecksums(warehouse);
    const dir = path.join(tempDir('backup-v1'), 'b1');
    const manifest = await backupWarehouse(warehouse.client, dir);
    assert.equal(manifest.checksumVersion, 2);
    // What an older cartwheel wrote: version 1 checksums, no version field.
    const legacy: Omit<BackupManifest, 'checksumVersion'> = {
      createdAt: manifest.createdAt,
      tables: await Promise.all(manifest.tables.map(async (t) => ({ ...t, checksum: (await tableChecksum(warehouse.client, t.table, 1)).checksum }))),
    };
    writeFileSync(path.join(dir, BACKUP_MANIFEST), JSON.stringify(legacy));
    assert.ok(!readFileSync(path.join(dir, BACKUP_MANIFEST), 'utf8').includes('checksumVersion'));
    await freshWarehouse();
    await restoreWarehouse(warehouse.client, dir);
    assert.deepEqual(await loadedTableChecksums(warehouse), original);
  });
});
