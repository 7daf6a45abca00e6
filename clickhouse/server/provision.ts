/**
 * Provision the chDB server into .tools/clickhouse-server/: a Python venv with the pinned PyPI
 * packages (chdb, chdb-core: the engine; clickhouse-driver: the native-protocol client the tests use).
 * Like the Temporal tools (ops/tools/provision.ts): an environment override first, then a current
 * install is reused without network, else it is built in a temp folder inside .tools/ and renamed
 * into place, under a lock file so two processes do not build it twice.
 *
 * CARTWHEEL_CHDB_PYTHON names another Python that can `import chdb` (26.9) instead.
 *
 * ensureJdbcDriver() does the same for the ClickHouse JDBC driver (Maven, clickhouse/server/jdbc.pom.xml)
 * into .tools/clickhouse-jdbc/lib/: the JDBC client of the tests, the driver DBeaver uses.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export const TOOLS_DIR = path.resolve(__dirname, '..', '..', '.tools');
export const SERVER_TOOL_DIR = path.join(TOOLS_DIR, 'clickhouse-server');
export const CHDB_PYTHON_ENV = 'CARTWHEEL_CHDB_PYTHON';
/**
 * The packages, pinned, dependencies included: pip installs them with --no-deps, because chdb
 * declares pandas, pyarrow and numpy for its DataFrame API, which the launcher never imports
 * (~300 MB of the venv, and 10 s of a first npm start). pytz and tzlocal: clickhouse-driver's.
 * A change of this list re-provisions.
 */
export const SERVER_PACKAGES = ['chdb==4.4.0', 'chdb-core==26.9.0', 'clickhouse-driver==0.2.11', 'pytz==2026.6', 'tzlocal==5.4.5'] as const;

const STAMP = '.provisioned';
const stamp = createHash('sha256').update(SERVER_PACKAGES.join('\n')).digest('hex');
const venvPython = (dir: string) => path.join(dir, 'venv', 'bin', 'python');

type Log = (message: string) => void;
const stderrLog: Log = (message) => process.stderr.write(`${message}\n`);

/** The Python that runs clickhouse/server/launcher.py. */
export async function ensureChdbServer(log: Log = stderrLog): Promise<string> {
  const override = process.env[CHDB_PYTHON_ENV];
  if (override) {
    const r = await run(override, ['-c', 'import chdb._chdb']);
    if (r.code !== 0) throw new Error(`${CHDB_PYTHON_ENV}=${override} cannot import chdb:\n${tail(r.out)}`);
    return override;
  }
  if (await isCurrent()) return venvPython(SERVER_TOOL_DIR);
  return withLock(log, async () => {
    if (await isCurrent()) return venvPython(SERVER_TOOL_DIR);
    log(`provisioning the chDB server (${SERVER_PACKAGES.join(' ')}) into ${SERVER_TOOL_DIR}…`);
    await fsp.mkdir(TOOLS_DIR, { recursive: true });
    const tmp = await fsp.mkdtemp(path.join(TOOLS_DIR, '.tmp-clickhouse-server-'));
    const old = `${tmp}.old`;
    try {
      // Built under the temp name and renamed: `venv/bin/python` finds its packages relative to
      // itself, so it survives the rename (only the venv's own scripts' shebangs would not: unused).
      // --no-compile: Python compiles the few modules the launcher imports when it first runs them,
      // rather than pip compiling every module of the packages (9 of 24 s with a warm pip cache).
      await check('python3 -m venv', run('python3', ['-m', 'venv', path.join(tmp, 'venv')]));
      await check(`pip install ${SERVER_PACKAGES.join(' ')}`, run(venvPython(tmp), ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--no-deps', '--no-compile', ...SERVER_PACKAGES]));
      await check('import chdb', run(venvPython(tmp), ['-c', 'import chdb._chdb, clickhouse_driver']));
      await fsp.writeFile(path.join(tmp, STAMP), stamp);
      await fsp.chmod(tmp, 0o755);
      await fsp.rename(SERVER_TOOL_DIR, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await fsp.rename(tmp, SERVER_TOOL_DIR);
      log(`chDB server ready: ${venvPython(SERVER_TOOL_DIR)}`);
      return venvPython(SERVER_TOOL_DIR);
    } catch (error) {
      throw new Error(
        `Could not provision the chDB server: ${(error as Error).message}\n` +
          `Install Python 3.9+ with venv and pip (PyPI reachable), or set ${CHDB_PYTHON_ENV} to a Python that has chdb-core 26.9.`,
      );
    } finally {
      await Promise.all([tmp, old].map((dir) => fsp.rm(dir, { recursive: true, force: true })));
    }
  });
}

export const JDBC_POM = path.join(__dirname, 'jdbc.pom.xml');
export const JDBC_DIR = path.join(TOOLS_DIR, 'clickhouse-jdbc');

/** The folder of the driver's jars (use it as `-cp '<dir>/*'`). */
export async function ensureJdbcDriver(log: Log = stderrLog): Promise<string> {
  const lib = path.join(JDBC_DIR, 'lib');
  const pomStamp = createHash('sha256').update(await fsp.readFile(JDBC_POM)).digest('hex');
  const current = async () => (await fsp.readFile(path.join(JDBC_DIR, STAMP), 'utf8').catch(() => '')) === pomStamp;
  if (await current()) return lib;
  return withLock(log, async () => {
    if (await current()) return lib;
    log('provisioning the ClickHouse JDBC driver (com.clickhouse:clickhouse-jdbc:0.10.0) via Maven…');
    await fsp.mkdir(TOOLS_DIR, { recursive: true });
    const tmp = await fsp.mkdtemp(path.join(TOOLS_DIR, '.tmp-clickhouse-server-jdbc-'));
    const old = `${tmp}.old`;
    try {
      await check('mvn dependency:copy-dependencies', run('mvn', ['-B', '-q', '-f', JDBC_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(tmp, 'lib')}`]));
      await fsp.writeFile(path.join(tmp, STAMP), pomStamp);
      await fsp.chmod(tmp, 0o755);
      await fsp.rename(JDBC_DIR, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await fsp.rename(tmp, JDBC_DIR);
      return lib;
    } catch (error) {
      throw new Error(`Could not provision the ClickHouse JDBC driver: ${(error as Error).message}\nInstall Maven and a JDK (Maven Central reachable).`);
    } finally {
      await Promise.all([tmp, old].map((dir) => fsp.rm(dir, { recursive: true, force: true })));
    }
  });
}

async function isCurrent(): Promise<boolean> {
  const recorded = await fsp.readFile(path.join(SERVER_TOOL_DIR, STAMP), 'utf8').catch(() => '');
  if (recorded !== stamp) return false;
  return (await run(venvPython(SERVER_TOOL_DIR), ['-c', 'import chdb._chdb'])).code === 0;
}

async function withLock<T>(log: Log, fn: () => Promise<T>): Promise<T> {
  await fsp.mkdir(TOOLS_DIR, { recursive: true });
  const lock = path.join(TOOLS_DIR, '.clickhouse-server.lock');
  for (let announced = false; ; await new Promise((r) => setTimeout(r, 500))) {
    try {
      await fsp.writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number(await fsp.readFile(lock, 'utf8').catch(() => ''));
    if (pid > 0 && !isAlive(pid)) {
      await fsp.rm(lock, { force: true });
      continue;
    }
    if (!announced) log(`waiting for another process provisioning the chDB server (lock ${lock})…`);
    announced = true;
  }
  for (const entry of await fsp.readdir(TOOLS_DIR)) {
    if (entry.startsWith('.tmp-clickhouse-server-')) await fsp.rm(path.join(TOOLS_DIR, entry), { recursive: true, force: true });
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { force: true });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface RunResult {
  code: number | null;
  out: string;
}

function run(cmd: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ code: null, out: `${out}${e.message}` }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function check(what: string, result: Promise<RunResult>): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${tail(r.out)}`);
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

/** `npm run provision` (ops/tools/cli.ts): the server's venv and the JDBC driver of its client test. */
export async function ensureClickHouseServerTools(log: Log = stderrLog): Promise<string> {
  return `${await ensureChdbServer(log)} (JDBC driver: ${await ensureJdbcDriver(log)})`;
}
