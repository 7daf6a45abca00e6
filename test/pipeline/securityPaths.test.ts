/**
 * Path confinement: business dates and source names become folder and file names, so traversal
 * attempts (`../../etc` dates, hostile source names, absolute paths) and symbolic links out of the
 * data folder are refused, at the layout and at the activities Temporal calls.
 */
import { ApplicationFailure } from '@temporalio/common';
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { SourceName } from '../../domain/contracts';
import { DataLayout } from '../../domain/layout';
import { ingestSource } from '../../pipeline/read/ingestSource';
import { confine } from '../../domain/security/confine';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { testDataDir } from '../helpers/pipeline';
import { tempDir } from '../helpers/tempDirs';
import { testWarehouse } from '../helpers/warehouse';

const DATE = '2024-03-10';
const refused = (error: unknown) => {
  assert.ok(error instanceof ApplicationFailure, String(error));
  assert.ok(['PathOutsideRoot', 'UnknownSource'].includes(error.type ?? ''), `${error.type}: ${error.message}`);
  assert.equal(error.nonRetryable, true);
  return true;
};

describe('security: paths stay inside the data folder', () => {
  it('confine() refuses lexical escapes and accepts what is inside', () => {
    const root = tempDir('confine');
    assert.equal(confine(root, path.join(root, 'landing', DATE)), path.join(root, 'landing', DATE));
    assert.equal(confine(root, root), root);
    assert.equal(confine(root, 'landing/x.csv'), path.join(root, 'landing', 'x.csv'));
    for (const escape of [path.join(root, '..'), path.join(root, '..', 'etc'), '../../etc/passwd', '/etc/passwd', `${root}-sibling/x`, path.join(root, 'a', '..', '..', 'b')]) {
      assert.throws(() => confine(root, escape), refused, escape);
    }
  });

  it('confine() follows symbolic links: out of the root is refused, a linked root is fine', () => {
    const root = tempDir('confine-links');
    const outside = tempDir('outside');
    writeFileSync(path.join(outside, 'secret.csv'), 'secret\n');
    symlinkSync(path.join(outside, 'secret.csv'), path.join(root, 'linked.csv'));
    symlinkSync(outside, path.join(root, 'linkedDir'));
    symlinkSync(path.join(outside, 'not-yet'), path.join(root, 'dangling'));
    assert.throws(() => confine(root, path.join(root, 'linked.csv')), /through a symbolic link/);
    assert.throws(() => confine(root, path.join(root, 'linkedDir', 'new', 'file.csv')), /through a symbolic link/);
    assert.throws(() => confine(root, path.join(root, 'dangling')), /through a symbolic link/, 'writing through a dangling link would create a file outside');
    const linkedRoot = path.join(tempDir('linked-root'), 'data');
    symlinkSync(root, linkedRoot);
    assert.equal(confine(linkedRoot, path.join(linkedRoot, 'landing')), path.join(linkedRoot, 'landing'));
  });

  it('the layout refuses traversal in business dates and source names', () => {
    const layout = new DataLayout(tempDir('layout'));
    const dates = ['../../etc', '..', '.', '2024-03-10/../../..', '/etc', 'a\\..\\..\\b', '2024-03-10\0', ''];
    for (const date of dates) {
      for (const build of [
        () => layout.landingDir(date),
        () => layout.landingFile(date, 'orders'),
        () => layout.validPartition(date, 'orders', 0),
        () => layout.pendingDir(date, 'orders'),
        () => layout.quarantineFile(date, 'orders'),
        () => layout.rulesQuarantineFile(date, 'orders'),
        () => layout.stagedDateDir('orders', date),
        () => layout.qualityReport(date),
      ]) assert.throws(build, refused, JSON.stringify(date));
    }
    for (const source of ['../../etc/passwd', '__proto__', 'constructor', 'orders/../../x']) {
      assert.throws(() => layout.quarantineFile(DATE, source as SourceName), refused, source);
      assert.throws(() => layout.stagingMonthDir(source as SourceName, DATE), refused, source);
    }
  });

  it('ingest refuses a landing file linked to a file outside the data folder, and copies none of it', async () => {
    const data = testDataDir();
    await data.generate(DATE, 10);
    const outside = tempDir('outside-secret');
    const generated = await generateDailyExport({ businessDate: DATE, orders: 10, seed: 99, outDir: outside });
    const secret = readFileSync(generated.files.customers, 'utf8').split('\n')[1];
    const landed = data.layout.landingFile(DATE, 'customers');
    // Replace the real export with a link to someone else's file (the header even matches).
    rmSync(landed);
    symlinkSync(generated.files.customers, landed);
    await assert.rejects(ingestSource(await testWarehouse(), new DataLayout(data.settings.dataDir), { contract: { dateFormats: ['ymd_hms', 'iso8601'] }, partitionBytes: 1 << 20 }, { businessDate: DATE, source: 'customers' }), refused);
    const quarantine = path.join(data.settings.dataDir, 'quarantine');
    const written = existsSync(quarantine) ? readdirSync(quarantine, { recursive: true }).map(String) : [];
    for (const file of written.filter((f) => f.endsWith('.csv'))) assert.ok(!readFileSync(path.join(quarantine, file), 'utf8').includes(secret));
  });

  it('a landing folder linked outside the data folder is refused too', () => {
    const data = testDataDir();
    const outside = tempDir('outside-landing');
    mkdirSync(path.join(data.settings.dataDir, 'landing'), { recursive: true });
    symlinkSync(outside, path.join(data.settings.dataDir, 'landing', DATE));
    assert.throws(() => data.layout.landingFile(DATE, 'orders'), refused);
  });

  it('the activities Temporal calls refuse traversal attempts in their inputs', async () => {
    const data = testDataDir();
    const activities = createActivities({ settings: data.settings, warehouse: await testWarehouse() });
    const attempts: [string, () => Promise<unknown>][] = [
      ['checkLanding', () => activities.checkLanding('../../etc')],
      ['ingestSource', () => activities.ingestSource({ businessDate: '../../etc', source: 'orders' })],
      ['transformSource', () => activities.transformSource({ businessDate: '2024-03-10/../../x', source: 'orders', partitions: 1 })],
      ['loadWarehouse', () => activities.loadWarehouse({ businessDate: '../2024-03-10' })],
    ];
    for (const [name, attempt] of attempts) await assert.rejects(attempt(), (error: Error) => /must be a calendar date|leaves the data folder|cannot be used as a file or folder name|is not one of/.test(error.message), name);
    // Source names are never workflow inputs (dailyLoad iterates the contracts), so a hostile one
    // can only come from a caller of the activity itself: it fails before any file is opened.
    await assert.rejects(activities.ingestSource({ businessDate: DATE, source: '../../../etc/passwd' as SourceName }));
    assert.ok(!existsSync(path.join(data.settings.dataDir, 'work')), 'nothing was written');
  });
});
