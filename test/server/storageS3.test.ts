/**
 * Landing, staging, quarantine and archive on S3 (domain/storage.ts), against a real S3
 * server (versitygw, test/helpers/versitygw.ts) and a chDB server of this file's own: the one that
 * holds the S3 credentials in its named collection (clickhouse/s3Collection.ts) and keeps a
 * system.query_log, so the test can read what the server logged. The same generated day is loaded
 * from local folders into one database and from S3 into another; the warehouses must be equal.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { createActivities } from '../../activities';
import { SOURCE_NAMES, CONTRACTS } from '../../domain/contracts';
import { DataLayout } from '../../domain/layout';
import type { StorageSettings } from '../../domain/storage';
import type { PipelineSettings } from '../../domain/settings/index';
import { openWarehouse, type Warehouse } from '../../clickhouse/client';
import { migrate } from '../../clickhouse/migrate';
import { writeS3Collection } from '../../clickhouse/s3Collection';
import { startChdbServer, type ChdbServer } from '../../clickhouse/server/server';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { activityEnvironment } from '../helpers/activityEnvironment';
import { tableChecksums } from '../helpers/checksums';
import { testDataDir } from '../helpers/pipeline';
import { runDay } from '../helpers/runActivities';
import { tempRoot } from '../helpers/tempDirs';
import { loadConfig } from '../../workers/config';
import { startVersitygw, type Versitygw } from '../helpers/versitygw';

const DATE = '2026-03-14';
const BUCKET = 'cartwheel-lake';
const DATABASES = ['cartwheel_local', 'cartwheel_s3'] as const;

describe('storage on S3 (versitygw): landing, staging, quarantine and archive', function () {
  this.timeout(300_000);
  let gw: Versitygw;
  let server: ChdbServer;
  let home: string;
  const warehouses: Warehouse[] = [];

  const s3Roots = (prefix: string): Omit<StorageSettings, 's3'> => ({
    landing: `s3://${BUCKET}/${prefix}/landing`,
    staging: `s3://${BUCKET}/${prefix}/staging`,
    quarantine: `s3://${BUCKET}/${prefix}/quarantine`,
    archive: `s3://${BUCKET}/${prefix}/archive`,
  });
  const access = (secretAccessKey = gw.secretAccessKey) => ({ endpoint: gw.endpoint, region: gw.region, accessKeyId: gw.accessKeyId, secretAccessKey });

  async function warehouse(database: (typeof DATABASES)[number]): Promise<Warehouse> {
    const admin = await openWarehouse({ ...server.as('admin'), user: 'admin', database, chdbPath: '' });
    try {
      await migrate(admin);
    } finally {
      await admin.close();
    }
    const { url, password } = server.as('loader');
    const opened = await openWarehouse({ url, user: 'loader', password, database, chdbPath: '' });
    warehouses.push(opened);
    return opened;
  }

  async function keys(prefix: string): Promise<string[]> {
    const listed = await gw.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  }

  before(async () => {
    gw = await startVersitygw();
    await gw.createBucket(BUCKET);
    home = mkdtempSync(path.join(tmpdir(), 'cartwheel-s3-server-'));
    // What the server logs, so the test can look: every statement in system.query_log.
    mkdirSync(path.join(home, 'config.d'), { recursive: true });
    writeFileSync(path.join(home, 'config.d', 'query_log.xml'), '<clickhouse><query_log><database>system</database><table>query_log</table></query_log></clickhouse>');
    writeS3Collection(home, gw);
    server = await startChdbServer({ home, filesDir: tempRoot(), databases: DATABASES, httpPort: 0, tcpPort: 0 });
  });

  after(async () => {
    await Promise.all(warehouses.map((w) => w.close()));
    await server?.stop();
    await gw?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('a day loaded from S3 gives the warehouse checksums of the same day from local folders', async () => {
    const local = testDataDir();
    await generateDailyExport({ businessDate: DATE, orders: 150, seed: 15, defectRate: 0.02, outDir: local.layout.landingDir(DATE) });
    // The same bytes land on S3, and only there for the second run.
    for (const source of SOURCE_NAMES) {
      const name = CONTRACTS[source].fileName;
      await gw.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `shop/landing/${DATE}/${name}`, Body: readFileSync(path.join(local.layout.landingDir(DATE), name)) }));
    }
    // Defects enough for quarantine files with rows in them, and a gate that lets the day through.
    local.settings.quality.maxQuarantinedShare = 0.5;
    local.settings.quality.maxOrphanShare = 0.5;
    const onS3: PipelineSettings = { ...testDataDir().settings, quality: local.settings.quality, storage: { ...s3Roots('shop'), s3: access() } };

    const [localWarehouse, s3Warehouse] = [await warehouse('cartwheel_local'), await warehouse('cartwheel_s3')];
    const localRun = await runDay(local.settings, localWarehouse, DATE);
    const s3Run = await runDay(onS3, s3Warehouse, DATE);
    assert.ok(localRun.loaded && s3Run.loaded, `both days were loaded (quality ${localRun.quality.verdict}, ${s3Run.quality.verdict})`);
    assert.deepEqual(s3Run.ingested.map((i) => [i.rowsRead, i.rowsQuarantined]), localRun.ingested.map((i) => [i.rowsRead, i.rowsQuarantined]));
    assert.ok(s3Run.ingested.some((i) => i.rowsQuarantined > 0), 'the day has quarantined rows, so quarantine files are written');
    await activityEnvironment().run(createActivities({ settings: onS3, warehouse: s3Warehouse }).archiveInputs, DATE);

    assert.deepEqual(await tableChecksums(s3Warehouse), await tableChecksums(localWarehouse));

    // Everything but the work folder went to S3; the S3 run's data folder holds its work files only.
    const staged = await keys('shop/staging/');
    for (const source of SOURCE_NAMES) {
      assert.ok(staged.includes(`shop/staging/${source}/year=2026/month=03/date=${DATE}/checksums.sha256`), `${source} checksums staged:\n${staged.join('\n')}`);
      assert.ok(staged.some((key) => key.startsWith(`shop/staging/${source}/year=2026/month=03/date=${DATE}/part-`)), `${source} parts staged`);
    }
    const quarantined = await keys(`shop/quarantine/${DATE}/`);
    assert.ok(quarantined.includes(`shop/quarantine/${DATE}/orders.quarantine.csv`), quarantined.join('\n'));
    assert.ok(quarantined.includes(`shop/quarantine/${DATE}/orders.rules.quarantine.csv`), quarantined.join('\n'));
    assert.deepEqual(await keys(`shop/archive/${DATE}/`), [...SOURCE_NAMES.map((s) => `shop/archive/${DATE}/${CONTRACTS[s].fileName}`), `shop/archive/${DATE}/manifest.json`].sort());
    const s3DataDir = onS3.dataDir;
    for (const area of ['landing', 'staging', 'quarantine', 'archive']) assert.ok(!existsSync(path.join(s3DataDir, area)), `nothing in the local ${area}/`);
    // The quarantine files on S3 hold what the local ones hold.
    const localQuarantine = readFileSync(local.layout.quarantineFile(DATE, 'orders'), 'utf8');
    const s3Quarantine = readFileSync(path.join(gw.dir, BUCKET, 'shop', 'quarantine', DATE, 'orders.quarantine.csv'), 'utf8');
    const files = (text: string) => text.replace(/^[^,\n]*,/gm, ''); // the _file column names each run's own landed file
    assert.equal(files(s3Quarantine), files(localQuarantine));
    assert.match(s3Quarantine, new RegExp(`s3://${BUCKET}/shop/landing/${DATE}/orders\\.csv`));
  });

  it('a staged part altered on S3 is refused by name before anything is loaded', async () => {
    const settings: PipelineSettings = { ...testDataDir().settings, storage: { ...s3Roots('shop'), s3: access() } };
    const [part] = (await keys(`shop/staging/orders/year=2026/month=03/date=${DATE}/part-`));
    const file = path.join(gw.dir, BUCKET, part);
    const original = readFileSync(file);
    const altered = Buffer.from(original);
    altered[30] ^= 0xff;
    await gw.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: part, Body: altered }));
    try {
      const activities = createActivities({ settings, warehouse: warehouses[1] });
      await assert.rejects(activityEnvironment().run(activities.loadWarehouse, { businessDate: DATE }), (error: Error) => {
        assert.match(error.message, new RegExp(`s3://${BUCKET}/${part.replace(/[.]/g, '\\.')}: damaged staged Parquet file, its sha256 differs`));
        return true;
      });
    } finally {
      await gw.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: part, Body: original }));
    }
  });

  it('keeps run inputs inside each S3 prefix', () => {
    const layout = new DataLayout(testDataDir().settings.dataDir, undefined, { ...s3Roots('shop'), s3: access() });
    assert.equal(layout.landingFile(DATE, 'orders'), `s3://${BUCKET}/shop/landing/${DATE}/orders.csv`);
    assert.equal(layout.stagedDateDir('orders', DATE), `s3://${BUCKET}/shop/staging/orders/year=2026/month=03/date=${DATE}`);
    assert.throws(() => layout.landingFile('../../etc', 'orders'), /cannot be used as a file or folder name/);
    assert.throws(() => layout.storage.join(layout.roots.landing, '..', 'staging'), /leaves s3:\/\/cartwheel-lake\/shop\/landing; refused/);
    assert.throws(() => layout.storage.join(layout.roots.landing, 'a/../../x'), /refused/);
  });

  it('never puts an S3 credential into a statement, query_log or the server logs', async () => {
    const admin = createClient({ ...server.as('admin'), log: { level: ClickHouseLogLevel.OFF } });
    try {
      await admin.command({ query: 'SYSTEM FLUSH LOGS' });
      const logged = await (await admin.query({ query: 'SELECT * FROM system.query_log', format: 'JSONEachRow' })).text();
      // The check bites: the day's s3() statements are there, naming the collection and the URLs.
      const s3Statements = await (await admin.query({ query: "SELECT DISTINCT query FROM system.query_log WHERE query LIKE '%s3(cartwheel_s3%'", format: 'JSONEachRow' })).json<{ query: string }>();
      const texts = s3Statements.map((row) => row.query).join('\n');
      assert.match(texts, /s3\(cartwheel_s3, url = 'http:\/\/127\.0\.0\.1:\d+\/cartwheel-lake\/shop\/landing\/2026-03-14\/orders\.csv'/, texts.slice(0, 3000));
      assert.match(texts, /SHA256\(raw_blob\).*FROM s3\(cartwheel_s3, url = '[^']*\/shop\/staging\/orders\//, 'the load fingerprints staged parts in the engine');
      assert.match(texts, /INSERT INTO FUNCTION s3\(cartwheel_s3, url = '[^']*\/shop\/staging\/orders\/year%3D2026\/month%3D03\/date%3D2026-03-14\/part-/, texts.slice(0, 3000));
      for (const [name, secret] of [['secret key', gw.secretAccessKey], ['access key id', gw.accessKeyId]]) {
        assert.ok(!logged.includes(secret), `the ${name} is in system.query_log`);
        for (const file of readdirSync(home).filter((f) => f.endsWith('.log'))) {
          assert.ok(!readFileSync(path.join(home, file), 'utf8').includes(secret), `the ${name} is in ${file}`);
        }
      }
    } finally {
      await admin.close();
    }
  });

  it('a wrong secret fails with the bucket and the cause, and without the secret', async () => {
    const wrong = 'not-the-secret-0123456789';
    const settings: PipelineSettings = { ...testDataDir().settings, storage: { ...s3Roots('shop'), s3: access(wrong) } };
    const activities = createActivities({ settings, warehouse: warehouses[1] });
    await assert.rejects(activityEnvironment().run(activities.checkLanding, DATE), (error: Error & { type?: string; nonRetryable?: boolean }) => {
      assert.equal(error.message, `s3://${BUCKET}/shop/landing/${DATE}: bucket ${BUCKET}: the S3 store refused the request signature: the secret key does not match the access key (CARTWHEEL_S3_SECRET_ACCESS_KEY) (SignatureDoesNotMatch)`);
      assert.equal(error.type, 'StorageRefused');
      assert.equal(error.nonRetryable, true);
      assert.ok(!JSON.stringify(error).includes(wrong) && !String(error.stack).includes(wrong));
      return true;
    });
  });

  it('reads the locations and credentials from the environment, and names a bad variable without its value', () => {
    const secret = 'cfg-S3cr3t-value-42';
    const env = { CARTWHEEL_DATA_DIR: testDataDir().settings.dataDir, CARTWHEEL_LANDING_URL: `s3://${BUCKET}/shop/landing`, CARTWHEEL_S3_ACCESS_KEY_ID: 'AKCONFIG', CARTWHEEL_S3_SECRET_ACCESS_KEY: secret };
    const config = loadConfig({ ...env, CARTWHEEL_S3_ENDPOINT: 'http://127.0.0.1:7070' });
    assert.deepEqual(config.pipeline.storage?.s3, { endpoint: 'http://127.0.0.1:7070', region: 'us-east-1', accessKeyId: 'AKCONFIG', secretAccessKey: secret });
    assert.equal(new DataLayout(config.pipeline.dataDir, undefined, config.pipeline.storage).landingFile(DATE, 'orders'), `s3://${BUCKET}/shop/landing/${DATE}/orders.csv`);
    assert.equal(config.localServer.s3?.secretAccessKey, secret, 'the data folder\'s chDB server gets the named collection');
    const refused = (extra: Record<string, string>, setting: RegExp) =>
      assert.throws(() => loadConfig({ ...env, ...extra }), (error: Error) => setting.test(error.message) && !error.message.includes(secret) && !error.message.includes('not-a-bucket'));
    refused({ CARTWHEEL_S3_ENDPOINT: `ftp://${secret}@host` }, /CARTWHEEL_S3_ENDPOINT/);
    refused({ CARTWHEEL_STAGING_URL: 's3://Not_A_Bucket!/x' }, /CARTWHEEL_STAGING_URL: must be a folder or s3:/);
    refused({ CARTWHEEL_S3_ACCESS_KEY_ID: '' }, /CARTWHEEL_S3_ACCESS_KEY_ID, CARTWHEEL_S3_SECRET_ACCESS_KEY: required/);
    assert.equal(loadConfig({ CARTWHEEL_DATA_DIR: env.CARTWHEEL_DATA_DIR }).pipeline.storage, undefined, 'no variable: the data folder, as before');
  });
});
