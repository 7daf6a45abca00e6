/**
 * The default warehouse: chDB 26.9 (PyPI) run as a ClickHouse server on loopback, reached like any
 * ClickHouse server over HTTP (@clickhouse/client) and the native protocol.
 *
 * startChdbServer() writes the server's folder (config.xml, users.xml, data/), checks its ports are
 * free, starts clickhouse/server/launcher.py, waits for /ping and returns the URLs, users and PID;
 * stop() signals that PID. One server per folder: a second start on a folder whose server still
 * runs is refused (reuse it through runningChdbServer()).
 *
 * Files: the server runs on the same machine as the pipeline, so staged Parquet and landing CSVs
 * reach it as file paths through file(): pass them absolute. chDB does not confine file() to
 * user_files_path (a real ClickHouse server does); relative paths resolve against `filesDir`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { remoteServersXml, type ClusterMembership } from '../cluster/remoteServers';
import { loadOrCreateCredentials, type ServerCredentials, type ServerUser } from './credentials';
import { ensureChdbServer, isAlive } from './provision';
import { usersXml } from './usersXml';

export const LAUNCHER = path.join(__dirname, 'launcher.py');
const HOST = '127.0.0.1';

export interface ChdbServerOptions {
  /** The server's own folder: config, users, data, log, state, credentials. */
  home: string;
  /** The pipeline's data folder: user_files_path, and where relative file() paths resolve. */
  filesDir: string;
  /** Databases whose loader and analyst roles the users get. */
  databases: readonly string[];
  /** 0 picks a free port. */
  httpPort: number;
  tcpPort: number;
  /** How long to wait for /ping. */
  startTimeoutMs?: number;
  /** A shard of a cluster (clickhouse/cluster/): its `<remote_servers>`, and the loader may use cluster(). */
  cluster?: ClusterMembership;
}

/** pid: the launcher; starter: the process that started it (the launcher stops when it is gone). */
const stateSchema = z.object({ pid: z.number().int(), starter: z.number().int(), httpPort: z.number().int(), tcpPort: z.number().int() });
export type ServerState = z.infer<typeof stateSchema>;

export interface ChdbServer extends ServerState {
  home: string;
  /** http://127.0.0.1:<httpPort> */
  url: string;
  credentials: ServerCredentials;
  /** Connection settings of one user, for @clickhouse/client. */
  as(user: ServerUser): { url: string; username: ServerUser; password: string };
  stop(): Promise<void>;
}

const stateFile = (home: string) => path.join(home, 'server.json');

/** The server running on this folder, if its process is alive and answers /ping. */
export async function runningChdbServer(home: string): Promise<ChdbServer | undefined> {
  const file = stateFile(home);
  if (!existsSync(file)) return undefined;
  const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success || !isAlive(parsed.data.pid) || !(await pings(parsed.data.httpPort))) return undefined;
  return handle(home, parsed.data, loadOrCreateCredentials(home));
}

export async function startChdbServer(options: ChdbServerOptions): Promise<ChdbServer> {
  const home = path.resolve(options.home);
  const filesDir = path.resolve(options.filesDir);
  if (await runningChdbServer(home)) throw new Error(`a chDB server already runs on ${home}; stop it first or use it`);
  const python = await ensureChdbServer();
  const httpPort = await portToUse(options.httpPort, 'CARTWHEEL_CLICKHOUSE_HTTP_PORT');
  const tcpPort = await portToUse(options.tcpPort, 'CARTWHEEL_CLICKHOUSE_TCP_PORT');
  if (httpPort === tcpPort) throw new Error(`the HTTP and native ports must differ (both ${httpPort})`);
  mkdirSync(path.join(home, 'data'), { recursive: true, mode: 0o700 });
  mkdirSync(filesDir, { recursive: true });
  const credentials = loadOrCreateCredentials(home);
  writeFileSync(path.join(home, 'users.xml'), usersXml(credentials, options.databases, { cluster: options.cluster !== undefined }), { mode: 0o600 });
  writeFileSync(path.join(home, 'config.xml'), configXml(home, filesDir, httpPort, tcpPort, options.cluster), { mode: 0o600 });

  const logFile = path.join(home, 'launcher.log');
  const log = openSync(logFile, 'w');
  const child = spawn(python, ['-u', LAUNCHER, home, filesDir, String(httpPort)], {
    stdio: ['ignore', log, log],
    detached: true, // its own process group: a Ctrl-C of the caller reaches it only through stop()
    env: { ...process.env, TZ: 'UTC' },
  });
  closeSync(log);
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `exited (${signal ?? `code ${code}`})`));
  child.once('error', (error) => (exit = error.message));
  const pid = child.pid!;
  child.unref();
  const state: ServerState = { pid, starter: process.pid, httpPort, tcpPort };
  const server = handle(home, state, credentials);
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await pings(httpPort))) {
    if (exit !== undefined || Date.now() > deadline) {
      await server.stop();
      const why = exit ?? `did not answer /ping within ${options.startTimeoutMs ?? 60_000} ms`;
      throw new Error(`the chDB server ${why}; see ${logFile} and ${path.join(home, 'server.err.log')}:\n${tailOf(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  writeFileSync(stateFile(home), JSON.stringify(state));
  return server;
}

function handle(home: string, state: ServerState, credentials: ServerCredentials): ChdbServer {
  const url = `http://${HOST}:${state.httpPort}`;
  return {
    ...state,
    home,
    url,
    credentials,
    as: (user) => ({ url, username: user, password: credentials[user] }),
    stop: async () => {
      await stopPid(state.pid);
      rmSync(stateFile(home), { force: true });
    },
  };
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
async function stopPid(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let waited = 0; isAlive(pid) && !isZombie(pid); waited += 50) {
    if (waited === 10_000) signal('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A child that exited but was not yet reaped by this process counts as gone. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function pings(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://${HOST}:${port}/ping`, { signal: AbortSignal.timeout(1000) });
    return response.ok && (await response.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}

/** The port itself when free on loopback (0: any free one); a taken port is an error naming its setting. */
async function portToUse(port: number, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${HOST} is in use; set ${setting} to a free port (0 for any)`) : error));
    probe.listen(port, HOST, () => {
      const chosen = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(chosen));
    });
  });
}

function configXml(home: string, filesDir: string, httpPort: number, tcpPort: number, cluster?: ClusterMembership): string {
  const dir = (p: string) => `${p.replace(/\/$/, '')}/`;
  return `<?xml version="1.0"?>
<!-- Generated by clickhouse/server/server.ts at each server start: edit that, not this. -->
<clickhouse>
  <listen_host>${HOST}</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${dir(path.join(home, 'data'))}</path>
  <tmp_path>${dir(path.join(home, 'data', 'tmp'))}</tmp_path>
  <user_files_path>${dir(filesDir)}</user_files_path>
  <users_config>${path.join(home, 'users.xml')}</users_config>
  <user_directories><users_xml><path>${path.join(home, 'users.xml')}</path></users_xml></user_directories>
  <timezone>UTC</timezone>
${cluster ? `${remoteServersXml(cluster)}\n` : ''}  <logger>
    <level>warning</level>
    <console>0</console>
    <log>${path.join(home, 'server.log')}</log>
    <errorlog>${path.join(home, 'server.err.log')}</errorlog>
  </logger>
</clickhouse>
`;
}

function tailOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
  } catch {
    return '';
  }
}

/** One line for logs: where SQL clients connect and where the passwords are (never the passwords). */
export function describeSqlAccess(server: ChdbServer): string {
  return `ClickHouse (chDB ${'26.9'}) for SQL clients: HTTP ${server.url}, native 127.0.0.1:${server.tcpPort}; ` +
    `users analyst (read-only), loader, admin; passwords in ${path.join(server.home, 'credentials.json')} (npm run sql -- --credentials)`;
}
