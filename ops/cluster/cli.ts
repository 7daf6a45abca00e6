/**
 * `npm run cluster -- [--kill-worker] [--from YYYY-MM-DD] [--days N] [--orders N] [--workers N] [--no-single-node] [--local-storage]`
 *
 * On this machine: a Temporal dev server, versitygw (S3: landing, staging, quarantine and archive;
 * `--local-storage`: one shared folder instead), a two-shard chDB cluster and 3 worker processes
 * (scratch folders of their own) load a month of generated days; then one worker and one chDB server load
 * the same days. Prints each run's time, the star tables' checksums side by side, the activities
 * each worker ran, and exits non-zero when the checksums differ. Everything lives in
 * data/cluster-harness/ (emptied at each run) and every process it started is stopped at the end.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../workers/config';
import { startDevServer } from '../stack/devServer';
import { freePort } from '../stack/freePort';
import { ensureTemporalCli } from '../tools/provision';
import { clusterRun, singleNodeRun, type RunFigures } from './harness';

async function main(): Promise<number> {
  process.env.TZ = 'UTC';
  const { values } = parseArgs({
    options: {
      'kill-worker': { type: 'boolean', default: false },
      // Two half months, each on its own shard of the two: cityHash64(toUInt32(202406)) % 2 = 0, of 202407 = 1.
      from: { type: 'string', default: '2024-06-16' },
      days: { type: 'string', default: '30' },
      orders: { type: 'string', default: '300' },
      workers: { type: 'string', default: '3' },
      'no-single-node': { type: 'boolean', default: false },
      'local-storage': { type: 'boolean', default: false },
    },
  });
  const root = path.join(REPO_ROOT, 'data', 'cluster-harness');
  const cliPath = await ensureTemporalCli((line) => console.log(line));
  const server = await startDevServer({ cliPath, port: await freePort(), uiPort: await freePort(), runDir: path.join(root, 'temporal') });
  console.log(`Temporal dev server ${server.address} (Web UI ${server.uiUrl})`);
  try {
    const options = {
      root, temporalAddress: server.address, from: values.from, days: Number(values.days), orders: Number(values.orders),
      workers: Number(values.workers), killWorker: values['kill-worker'], storage: values['local-storage'] ? 'folder' as const : 's3' as const,
      log: (line: string) => console.log(line),
    };
    console.log(`${options.days} days from ${options.from}, ${options.orders} orders each`);
    const cluster = await clusterRun(options);
    report(`cluster: ${options.workers} workers, 2 shards${cluster.workers.some((w) => w.killed) ? ', one worker SIGKILLed' : ''}`, cluster);
    if (cluster.shardOfMonth) console.log(`  months on shards: ${Object.entries(cluster.shardOfMonth).map(([m, s]) => `${m} -> shard ${s}`).join(', ')}`);
    if (cluster.factRowsPerShard) console.log(`  fact_sales rows per shard: ${cluster.factRowsPerShard}`);
    if (values['no-single-node']) {
      for (const [table, { rows, checksum }] of Object.entries(cluster.checksums)) console.log(`${table.padEnd(22)} ${String(rows).padStart(8)}  ${checksum}`);
      return 0;
    }
    const single = await singleNodeRun(options);
    report('single node: 1 worker, 1 server', single);
    const differing = Object.keys(single.checksums).filter((t) => JSON.stringify(single.checksums[t]) !== JSON.stringify(cluster.checksums[t]));
    console.log('\ntable                      rows  cluster checksum       single-node checksum');
    for (const table of Object.keys(single.checksums)) {
      const [c, s] = [cluster.checksums[table], single.checksums[table]];
      console.log(`${table.padEnd(22)} ${String(c.rows).padStart(8)}  ${c.checksum.padEnd(22)} ${s.checksum}${differing.includes(table) ? '   DIFFERS' : ''}`);
    }
    console.log(differing.length === 0 ? 'checksums_equal=true' : `checksums_equal=false tables=${differing.join(',')}`);
    return differing.length === 0 ? 0 : 1;
  } finally {
    await server.stop();
  }
}

function report(title: string, run: RunFigures): void {
  console.log(`\n${title}: ${run.seconds.toFixed(1)} s, ${run.redoneDays} day(s) redone on another worker`);
  for (const w of run.workers) console.log(`  ${w.worker} (pid ${w.pid}): ${w.activities} activities${w.killed ? ' (SIGKILLed mid-run)' : ''}`);
}

main().then((code) => process.exit(code), (error: Error) => {
  console.error(`cluster harness failed: ${error.message}`);
  process.exit(1);
});
