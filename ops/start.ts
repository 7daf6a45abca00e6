/**
 * `npm start`: the whole stack on one machine. Provisions the Temporal CLI and the chDB server if
 * missing (side by side), starts the dev server (Web UI on 8233), the chDB server and a worker,
 * generates sample data when the day's landing folder is empty, runs dailyLoad through Temporal and
 * prints a summary. Then it keeps the stack up for inspection until Ctrl-C, or exits at once with
 * --once. Either way it stops every process it started.
 *
 *   npm start -- [--once] [--date YYYY-MM-DD] [--orders N] [--seed S]
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { assertBusinessDate, DataLayout } from '../domain/layout';
import { createCartwheelWorker, openWarehouseServices } from '../workers/cartwheelWorker';
import { describeWarehouse, loadConfig } from '../workers/config';
import { cartwheelDataConverter, describePayloadProtection } from '../workers/payloadCodec';
import { progressQuery, type DailyLoadInput, type DailyLoadProgress, type DailyLoadResult } from '../workflows';
import { generateDailyExport } from './generate/sampleData';
import { startDevServer, type DevServer } from './stack/devServer';
import { acquireStackLock, describeRunningStack, isAlive, watchStop } from './stack/stackLock';
import { registerSearchAttributes } from './stack/searchAttributes';
import { RUN_KIND } from '../workflows/searchAttributes';
import { formatSummary, tableTotals } from './stack/summary';
import { ensureChdbServer } from '../clickhouse/server/provision';
import { ensureTemporalCli } from './tools/provision';

const argsSchema = z.object({
  once: z.boolean().default(false),
  date: z.string().default(() => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)).refine((d) => {
    try { assertBusinessDate(d); return true; } catch { return false; }
  }, 'must be a calendar date YYYY-MM-DD'),
  orders: z.coerce.number().int().positive().default(2000),
  seed: z.coerce.number().int().default(42),
});

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { once: { type: 'boolean' }, date: { type: 'string' }, orders: { type: 'string' }, seed: { type: 'string' } },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const args = parsed.data;
  const config = loadConfig();
  // The SDK's info logs (workflow bundling, worker state) would bury the summary; warnings still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const layout = new DataLayout(config.pipeline.dataDir);
  const runDir = path.join(config.pipeline.dataDir, 'run');
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((e: Error) => console.error(`cleanup: ${e.message}`));
  };
  // A second npm start on this data folder leaves the running stack alone (ops/stack/stackLock.ts).
  const lock = acquireStackLock(config.pipeline.dataDir);
  if (lock.held) {
    console.error(describeRunningStack(lock.holder));
    return 3;
  }
  cleanups.push(async () => lock.release());
  // Ctrl-C, SIGTERM, or npm killed by its pid (which does not reach this process): at any stage the
  // stack stops, and every process it started with it.
  let requestStop: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => { requestStop = resolve; });
  const unwatchStop = watchStop((why) => requestStop(why));
  cleanups.push(async () => unwatchStop());

  let finalLine: string | undefined;
  try {
    // The chDB server's venv (the longest step of a first start: ~15 s, 30 s with nothing in pip's
    // cache) is provisioned while Temporal's side gets ready; step 3 waits for it.
    const chdbReady = config.warehouse.url ? Promise.resolve() : ensureChdbServer((m) => console.log(m)).then(() => undefined);
    chdbReady.catch(() => undefined); // awaited, and its failure reported, in step 3

    // 1. Temporal: the dev server, unless TEMPORAL_ADDRESS names a server to use.
    let server: DevServer | undefined;
    if (!process.env.TEMPORAL_ADDRESS) {
      const cliPath = await ensureTemporalCli((m) => console.log(m));
      server = await startDevServer({
        cliPath,
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
        dbFile: path.join(config.pipeline.dataDir, 'temporal', 'dev.sqlite'),
        runDir,
        namespace: config.temporal.namespace,
      });
      cleanups.push(() => server!.stop());
      config.temporal.address = server.address;
      lock.update({ temporalAddress: server.address, uiUrl: server.uiUrl, logFile: server.logFile });
      console.log(`Temporal dev server on ${server.address}, Web UI ${server.uiUrl} (log: ${server.logFile})`);
    }

    // 2. Sample data when the day's landing folder is empty.
    const landingDir = layout.landingDir(args.date);
    if (!existsSync(landingDir) || readdirSync(landingDir).length === 0) {
      const generated = await generateDailyExport({ businessDate: args.date, orders: args.orders, seed: args.seed, outDir: landingDir });
      console.log(`generated sample data for ${args.date} in ${landingDir}: ${JSON.stringify(generated.rows)}`);
    } else if (values.orders !== undefined || values.seed !== undefined) {
      console.log(`--orders/--seed ignored: ${landingDir} already holds the export of ${args.date}, which is loaded as it is; `
        + 'pick another --date, or remove that folder to generate it anew');
    }

    // 3. The worker, in this process, with the warehouse it owns.
    await chdbReady;
    const services = await openWarehouseServices(config);
    cleanups.push(() => services.close());
    // Were the data folder's chDB server to die, the run's activities would retry connection errors
    // (ECONNREFUSED, ECONNRESET) without end: npm start stops instead, saying which process died.
    let warehouseLost = false;
    if (services.local) {
      const { pid, home } = services.local.server;
      const watch = setInterval(() => {
        if (isAlive(pid)) return;
        warehouseLost = true;
        requestStop(`the warehouse's chDB server, pid ${pid}, exited: see ${path.join(home, 'server.err.log')}`);
      }, 1000);
      watch.unref();
      cleanups.push(async () => clearInterval(watch));
    }
    console.log(`warehouse: ${describeWarehouse(config.warehouse)}${services.sqlAccess ? `\n${services.sqlAccess}` : ''}`);
    console.log(describePayloadProtection(config.payloadKeys));
    const workerConnection = await NativeConnection.connect({ address: config.temporal.address });
    cleanups.push(() => workerConnection.close());
    const worker = await createCartwheelWorker({ config, connection: workerConnection, warehouse: services.warehouse });
    const workerDone = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerDone;
    });

    // 4. The run, through Temporal like any other.
    const connection = await Connection.connect({ address: config.temporal.address });
    cleanups.push(() => connection.close());
    // The worker's codec: the client encrypts the input and decrypts the result and progress.
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: cartwheelDataConverter(config.payloadKeys) });
    const workflowId = `daily-${args.date}`;
    const input: DailyLoadInput = { businessDate: args.date };
    // Search attributes (business date, run kind, outcome) only where the server knows them: the
    // workflow publishes them when RunKind is set, and an unknown attribute would fail its tasks.
    const visible = await registerSearchAttributes(connection, config.temporal.namespace).then(() => true, () => false);
    const handle = await client.workflow.start('dailyLoad', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [input],
      // A re-run of a day replaces a run of the same day still in flight instead of running beside it.
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      ...(visible ? { typedSearchAttributes: [{ key: RUN_KIND, value: 'daily' }] } : {}),
    });
    const workflowUrl = server ? `${server.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${workflowId}/${handle.firstExecutionRunId}/history` : undefined;
    console.log(`started ${workflowId}${workflowUrl ? `: ${workflowUrl}` : ''}`);

    let exitCode = 0;
    // The wait for the result and the progress queries end with the run, or are cancelled when npm
    // start stops first: a call left running retried on the closed connection and threw from a
    // timer, ending npm start with "Channel has been shut down" instead of its last line.
    const callsInFlight = new Set<AbortController>();
    const whileWatching = async <T>(call: () => Promise<T>): Promise<T> => {
      const controller = new AbortController(); // one per call: a shared signal gathered a listener per query
      callsInFlight.add(controller);
      try {
        return await connection.withAbortSignal(controller.signal, call);
      } finally {
        callsInFlight.delete(controller);
      }
    };
    const stopReporting = reportProgress(() => whileWatching(() => handle.query(progressQuery)));
    try {
      const outcome = await Promise.race([
        whileWatching(() => handle.result()).then((result: DailyLoadResult) => ({ result })),
        stopped.then((why) => ({ why })),
      ]);
      if ('why' in outcome) {
        finalLine = `npm start stopped (${outcome.why}) before ${workflowId} finished, and stopped the processes it started; run the day again with npm start -- --date ${args.date}`;
        return warehouseLost ? 1 : 130;
      }
      const { result } = outcome;
      console.log(formatSummary(result, await tableTotals(services.warehouse), { workflowUrl }));
    } catch (error) {
      // The last line says why (the innermost cause, not "Activity task failed") and what to do next.
      finalLine = `daily load of ${args.date} failed: ${rootCause(error)} `
        + `(next: see the failed step in ${workflowUrl ?? 'npm run status'}, fix its cause, then run the day again with npm start -- --date ${args.date})`;
      if (!args.once) console.error(`\n${finalLine}`);
      exitCode = 1;
    } finally {
      stopReporting();
      for (const call of callsInFlight) call.abort();
    }

    if (!args.once) {
      console.log('\nThe stack stays up for inspection (Web UI, npm run sql). Press Ctrl-C to stop.');
      console.log(`stopping (${await stopped})...`);
    }
    return exitCode;
  } finally {
    await cleanup();
    if (finalLine) console.error(`\n${finalLine}`);
  }
}

/** The innermost message of a failure chain (WorkflowFailedError > ActivityFailure > ApplicationFailure). */
function rootCause(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  let message = String(current?.message ?? error);
  while (current?.cause) {
    current = current.cause as { message?: string; cause?: unknown };
    if (current.message) message = current.message;
  }
  return message;
}

/** Print each stage the run enters (and which files it waits for), so a long wait is not silent. */
function reportProgress(query: () => Promise<DailyLoadProgress>): () => void {
  let last = '';
  const timer = setInterval(() => {
    query()
      .then((progress) => {
        // Before its first look at the landing folder the run names no missing file yet.
        const line = progress.stage === 'waiting_for_files' && progress.missingFiles.length > 0
          ? `waiting for files: ${progress.missingFiles.join(', ')}`
          : progress.stage.replace(/_/g, ' ');
        if (line !== last) console.log(`  ... ${line}`);
        last = line;
      })
      .catch(() => undefined); // the run may finish between two polls
  }, 1000);
  return () => clearInterval(timer);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`npm start failed: ${error.message}`);
    process.exit(1);
  },
);
