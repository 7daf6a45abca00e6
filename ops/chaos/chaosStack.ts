/**
 * What every fault runs against: its own temp data folder with a generated day of exports, and a
 * Temporal dev server (the project's launcher, free ports on 127.0.0.1) with a client to start runs.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataLayout } from '../../domain/layout';
import { generateDailyExport } from '../generate/sampleData';
import { startDevServer, type DevServer } from '../stack/devServer';
import { ensureTemporalCli } from '../tools/provision';
import { freePort } from '../stack/freePort';

export const CHAOS_DATE = '2024-03-10';

/** Same seed, same bytes: a faulted pipeline and its reference load identical exports. */
export async function landExport(dataDir: string, businessDate: string, orders: number): Promise<void> {
  await generateDailyExport({ businessDate, orders, seed: 11, outDir: new DataLayout(dataDir).landingDir(businessDate) });
}

export interface ChaosStack {
  root: string;
  /** Data folder of one pipeline (landing, work, staging, warehouse); several may share a server. */
  dataDir(name: string): Promise<string>;
  server: DevServer;
  client: Client;
  /** Stop the server (a fault restarts it); `restartServer` brings it back on the same port and file. */
  restartServer(beforeStart?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  orders: number;
  /** Keep the server's history in SQLite so a restarted server resumes its runs. */
  persistent?: boolean;
}

export async function startChaosStack(name: string, options: StackOptions): Promise<ChaosStack> {
  const root = mkdtempSync(path.join(tmpdir(), `cartwheel-chaos-${name}-`));
  const cliPath = await ensureTemporalCli(() => {});
  const serverOptions = {
    cliPath,
    port: await freePort(),
    uiPort: await freePort(),
    runDir: path.join(root, 'temporal'),
    dbFile: options.persistent ? path.join(root, 'temporal', 'dev.sqlite') : undefined,
  };
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  try {
    server = await startDevServer(serverOptions);
    connection = await Connection.connect({ address: server.address });
    const stack: ChaosStack = {
      root,
      server,
      client: new Client({ connection }),
      async dataDir(pipeline) {
        const dir = path.join(root, pipeline);
        await landExport(dir, CHAOS_DATE, options.orders);
        return dir;
      },
      async restartServer(beforeStart) {
        await stack.server.stop();
        await beforeStart?.();
        stack.server = await startDevServer(serverOptions);
      },
      async close() {
        await connection?.close().catch(() => undefined);
        await stack.server.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
    return stack;
  } catch (error) {
    await connection?.close().catch(() => undefined);
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
