/**
 * Warehouse backup and restore on the embedded warehouse: two loaded days are backed up to Parquet,
 * the database is dropped and re-migrated, and the restore must give every table back identical.
 * A backup taken after a change batch was applied twice (two unmerged versions in ReplacingMergeTree
 * tables) restores identical too, and a restore that fails midway, while verifying or while swapping
 * tables in, leaves every table as it was.
 */
import { strict as assert } from 'node:assert';
import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AGGREGATES } from '../../pipeline/build/warehouseTables';
import { backupWarehouse } from '../../ops/backup/backupWarehouse';
import { BACKUP_MANIFEST, type BackupManifest } from '../../ops/backup/backupManifest';
import { restoreWarehouse } from '../../ops/backup/restoreWarehouse';
import { CHECKSUM_VERSION, tableChecksum } from '../../ops/backup/tableChecksum';
import type { Warehouse } from '../../clickhouse/client';
import { readSql } from '../../clickhouse/sqlFiles';
import { generateChangeBatch } from '../../ops/generate/changedRows';
import { applyChanges } from '../helpers/changeBatches';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { loadedTableChecksums } from '../helpers/starSchema';
import { tempDir } from '../helpers/tempDirs';
import { freshWarehouse, rows, scalar } from '../helpers/warehouse';

/** Every table a backup holds, and the aggregates a restore rebuilds: stored rows, logical rows and merge-stable checksum. */
async function warehouseState(warehouse: Warehouse): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const tables = [...(await rows<{ name: string }>(warehouse, readSql('ops/backup_tables.sql'))).map((t) => t.name), ...AGGREGATES.map((a) => a.view)];
  for (const name of tables) {
    const { rows: logical, checksum } = await tableChecksum(warehouse.client, name);
    state[name] = `${await scalar(warehouse, `SELECT count() FROM ${name}`)} stored, ${logical}:${checksum}`;
  }
  return state;
}

async function restoreTablesLeft(warehouse: Warehouse): Promise<number> {
  return scalar(warehouse, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND endsWith(name, '__restore')");
}

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
    assert.equal(manifest.checksumVersion, CHECKSUM_VERSION);
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

  it('restores identical after a change batch was applied twice (two unmerged versions of its rows)', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    for (const day of ['2024-03-10', '2024-04-02']) {
      await data.generate(day, 80);
      await runDay(data.settings, warehouse, day);
    }
    const batch = '20240405T100000Z';
    generateChangeBatch({ batchId: batch, fromDates: ['2024-03-10', '2024-04-02'], dataDir: data.settings.dataDir, orders: 5, payments: 3, seed: 7 });
    // Merges held back, as on a busy warehouse: the second application's rows sit beside the first's.
    await warehouse.client.command({ query: 'SYSTEM STOP MERGES' });
    let dir: string;
    let original: Record<string, string>;
    try {
      await applyChanges(data.settings, warehouse, batch);
      await applyChanges(data.settings, warehouse, batch);
      const unmerged = await scalar(warehouse, 'SELECT (SELECT count() FROM change_manifest) - (SELECT count() FROM change_manifest FINAL)');
      assert.ok(unmerged > 0, 'change_manifest holds two versions of the batch\'s rows when the backup is taken');
      original = await warehouseState(warehouse);
      dir = path.join(tempDir('backup-replayed'), 'b1');
      await backupWarehouse(warehouse.client, dir);
    } finally {
      await warehouse.client.command({ query: 'SYSTEM START MERGES' });
    }

    await freshWarehouse();
    await restoreWarehouse(warehouse.client, dir);
    assert.deepEqual(await warehouseState(warehouse), original, 'every table, stored rows included, is identical after the restore');
    assert.equal(await restoreTablesLeft(warehouse), 0);
    // Merged after the restore, the logical rows and their checksum stay the same.
    await warehouse.client.command({ query: 'OPTIMIZE TABLE change_manifest FINAL' });
    const [name, sum] = (await warehouseState(warehouse)).change_manifest.split(' stored, ');
    assert.ok(Number(name) < Number(original.change_manifest.split(' ')[0]), 'the merge collapsed the two versions');
    assert.equal(sum, original.change_manifest.split(' stored, ')[1]);
  });

  it('a restore that fails midway, verifying or swapping tables in, leaves every table as it was', async () => {
    const warehouse = await freshWarehouse();
    const data = testDataDir();
    await data.generate('2024-03-10', 80);
    await runDay(data.settings, warehouse, '2024-03-10');
    const dir = path.join(tempDir('backup-midway'), 'b1');
    const atBackup = await warehouseState(warehouse);
    const manifest = await backupWarehouse(warehouse.client, dir);
    // The warehouse moves on after the backup: another day lands.
    await data.generate('2024-04-02', 80);
    await runDay(data.settings, warehouse, '2024-04-02');
    const current = await warehouseState(warehouse);
    const backedUp = manifest.tables.map((t) => t.table);
    assert.ok(backedUp.filter((table) => current[table] !== atBackup[table]).length > 5, 'many tables differ from the backup, so a partial restore would show');

    // Verifying: the last table's content does not match its manifest checksum (its file is intact).
    const tampered: BackupManifest = JSON.parse(readFileSync(path.join(dir, BACKUP_MANIFEST), 'utf8'));
    const last = tampered.tables[tampered.tables.length - 1];
    last.checksum = `${last.checksum}1`;
    const tamperedDir = path.join(tempDir('backup-midway-tampered'), 'b1');
    await backupWarehouseCopy(dir, tamperedDir, tampered);
    const verifying = await restoreWarehouse(warehouse.client, tamperedDir).then(() => undefined, (error: Error) => error);
    assert.deepEqual(await warehouseState(warehouse), current, 'no table changed');
    assert.match(String(verifying?.message), new RegExp(`restored ${last.table} differs from the backup .*: nothing was restored, every table is as it was before the restore`));
    assert.equal(await restoreTablesLeft(warehouse), 0);

    // Swapping: the verified copy of a table halfway through the list disappears before its swap.
    const middle = backedUp[Math.floor(backedUp.length / 2)];
    const swapping = await restoreWarehouse(warehouse.client, dir, () => {}, {
      beforeSwap: async (table, staging) => {
        if (table === middle) await warehouse.client.command({ query: `DROP TABLE ${staging}` });
      },
    }).then(() => undefined, (error: Error) => error);
    assert.deepEqual(await warehouseState(warehouse), current, 'no table changed');
    assert.match(String(swapping?.message), /restore failed while swapping tables in .*every table swapped in was swapped back: nothing was restored, every table is as it was before the restore/);
    assert.equal(await restoreTablesLeft(warehouse), 0);

    // And the same backup, untouched, restores.
    await restoreWarehouse(warehouse.client, dir);
    assert.equal(await scalar(warehouse, "SELECT count() FROM fact_sales WHERE business_date = '2024-04-02'"), 0);
    assert.ok(await scalar(warehouse, "SELECT count() FROM fact_sales WHERE business_date = '2024-03-10'") > 0);
  });
});

/** A copy of a backup folder with another manifest (the Parquet files unchanged). */
async function backupWarehouseCopy(from: string, to: string, manifest: BackupManifest): Promise<void> {
  cpSync(from, to, { recursive: true });
  writeFileSync(path.join(to, BACKUP_MANIFEST), JSON.stringify(manifest));
}
