/**
 * A second `npm start` leaves the first alone (real processes, real Temporal dev servers): the
 * second start of a dev server on a run folder whose server belongs to a live process is refused and
 * the server keeps running with its log intact; a whole second `npm start` on the same data folder
 * exits non-zero saying what is running and how to reach it, and the first stack keeps answering.
 * A lock left by a process that is gone is taken over. `npm start` killed by its npm pid stops
 * itself, its dev server and its chDB server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DataLayout } from '../../domain/layout';
import { localServerHome } from '../../clickhouse/server/localServer';
import { generateDailyExport } from '../../ops/generate/sampleData';
import { startDevServer, type DevServer } from '../../ops/stack/devServer';
import { freePort } from '../../ops/stack/freePort';
import { acquireStackLock, isAlive, SECOND_STACK_VARIABLES, stackLockFile } from '../../ops/stack/stackLock';
import { ensureTemporalCli } from '../../ops/tools/provision';
import { environmentSchema } from '../../workers/config';
import { tempDir } from '../helpers/tempDirs';

const REPO = path.resolve(__dirname, '..', '..');
/** The stack's chDB server on free ports, so a stack already on 8123/9000 (or another test's) is no obstacle. */
const ANY_CLICKHOUSE_PORTS = { CARTWHEEL_CLICKHOUSE_HTTP_PORT: '0', CARTWHEEL_CLICKHOUSE_TCP_PORT: '0' };

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function serverPid(runDir: string, port: number): number {
  return Number(readFileSync(path.join(runDir, `temporal-dev-${port}.pid`), 'utf8').trim().split(/\s+/)[0]);
}

/** Collects a child's output; resolves when a line matches or the child exits. */
function output(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp, ms: number) => Promise<void> } {
  let text = '';
  child.stdout?.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { text += d.toString(); });
  return {
    text: () => text,
    async waitFor(pattern, ms) {
      const deadline = Date.now() + ms;
      while (!pattern.test(text)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms / 1000} s:\n${text}`);
        await delay(250);
      }
    },
  };
}

describe('a second start leaves a running stack alone', function () {
  this.timeout(600_000);

  it('a dev server whose parent is alive is not treated as an orphan, and its log is kept', async () => {
    const cliPath = await ensureTemporalCli(() => {});
    const runDir = tempDir('stack-devserver');
    const options = { cliPath, port: await freePort(), uiPort: await freePort(), runDir };
    const first: DevServer = await startDevServer(options);
    try {
      const pid = serverPid(runDir, options.port);
      const logBytes = statSync(first.logFile).size;
      await assert.rejects(startDevServer(options), /a Temporal dev server \(pid \d+, port \d+\) started by a running process \(pid \d+\) uses this data folder; it was left alone/);
      assert.ok(isAlive(pid), 'the first server still runs');
      assert.ok(await portAnswers(options.port), 'and still answers');
      assert.equal(serverPid(runDir, options.port), pid, 'its pid file is untouched');
      assert.ok(statSync(first.logFile).size >= logBytes, 'its log was not overwritten');
    } finally {
      await first.stop();
    }
    // Once it is stopped, the folder is free again. A new Web UI port: the old one was free when
    // picked, not reserved, and on a busy machine another test's server may have taken it since.
    const again = await startDevServer({ ...options, uiPort: await freePort() });
    await again.stop();
  });

  it('a lock whose process is gone is taken over; one held by a live process is reported', async () => {
    const dataDir = tempDir('stack-lock');
    mkdirSync(path.dirname(stackLockFile(dataDir)), { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(stackLockFile(dataDir), JSON.stringify({ pid: Number(gone.stdout), startedAt: '2024-01-01T00:00:00Z', dataDir }));
    const taken = acquireStackLock(dataDir);
    assert.equal(taken.held, false, 'a stale lock is taken over');
    if (taken.held) return;
    taken.release();

    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { acquireStackLock } = require(${JSON.stringify(path.join(REPO, 'ops/stack/stackLock.ts'))});
      const lock = acquireStackLock(${JSON.stringify(dataDir)});
      lock.update({ temporalAddress: '127.0.0.1:1', uiUrl: 'http://localhost:2' });
      console.log('held');
      setInterval(() => {}, 1000);`], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await output(holder).waitFor(/held/, 60_000);
      const second = acquireStackLock(dataDir);
      assert.ok(second.held, 'a live holder keeps the lock');
      if (second.held) {
        assert.equal(second.holder.pid, holder.pid);
        assert.equal(second.holder.temporalAddress, '127.0.0.1:1');
      }
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('the variables it names for a second stack are ones the stack reads', () => {
    const start = readFileSync(path.join(REPO, 'ops', 'start.ts'), 'utf8');
    for (const name of SECOND_STACK_VARIABLES) {
      assert.ok(name in environmentSchema.shape || start.includes(`process.env.${name}`), `${name} is read by workers/config.ts or ops/start.ts`);
    }
  });

  it('a second npm start on the same data folder exits non-zero saying what runs, and the first keeps running', async () => {
    await ensureTemporalCli(() => {});
    const dataDir = tempDir('stack-start');
    const [temporalPort, uiPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      CARTWHEEL_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      ...ANY_CLICKHOUSE_PORTS,
      CARTWHEEL_TASK_QUEUE: `stack-${temporalPort}`,
      TEMPORAL_ADDRESS: '',
      CLICKHOUSE_URL: '',
    };
    const start = (...args: string[]) => spawn(process.execPath, ['--import', 'tsx', 'ops/start.ts', '--date', '2024-03-10', '--orders', '30', ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const first = start();
    const firstOut = output(first);
    try {
      await firstOut.waitFor(/The stack stays up/, 420_000);
      const logFile = path.join(dataDir, 'run', `temporal-dev-${temporalPort}.log`);
      const serverBefore = serverPid(path.join(dataDir, 'run'), temporalPort);
      const logBytes = statSync(logFile).size;

      const second = start('--once');
      const secondOut = output(second);
      const code = await new Promise<number | null>((resolve) => second.once('exit', (c) => resolve(c)));
      assert.equal(code, 3, `the second start exits non-zero:\n${secondOut.text()}`);
      assert.match(secondOut.text(), new RegExp(`npm start is already running for .* \\(pid ${first.pid}, since .*\\); it was left alone`));
      assert.match(secondOut.text(), new RegExp(`Temporal: 127\\.0\\.0\\.1:${temporalPort}, Web UI http://localhost:${uiPort}`));
      // It names what a second stack beside it needs: the data folder and every port, each a variable the stack reads.
      assert.match(secondOut.text(), /its own CARTWHEEL_DATA_DIR, TEMPORAL_PORT, TEMPORAL_UI_PORT, CARTWHEEL_CLICKHOUSE_HTTP_PORT, CARTWHEEL_CLICKHOUSE_TCP_PORT/);

      assert.equal(first.exitCode, null, 'the first npm start still runs');
      assert.ok(isAlive(serverBefore), 'its Temporal dev server still runs');
      assert.ok(await portAnswers(temporalPort), 'and answers on its port');
      assert.ok(statSync(logFile).size >= logBytes, 'its log was not overwritten');
    } finally {
      first.kill('SIGINT');
      await new Promise((resolve) => (first.exitCode !== null ? resolve(undefined) : first.once('exit', resolve)));
    }
    // The first stopped cleanly and released its lock: a new start could take it.
    const lock = acquireStackLock(dataDir);
    assert.equal(lock.held, false, `the lock is released when the stack stops:\n${firstOut.text()}`);
    if (!lock.held) lock.release();
  });

  it('npm start killed by the pid of npm stops itself and the servers it started', async () => {
    await ensureTemporalCli(() => {});
    const dataDir = tempDir('stack-kill');
    const date = '2024-03-10';
    // A day whose payments never land: the run waits for them, so it is surely running when killed.
    await generateDailyExport({ businessDate: date, orders: 20, seed: 1, outDir: new DataLayout(dataDir).landingDir(date) });
    rmSync(new DataLayout(dataDir).landingFile(date, 'payments'));
    const temporalPort = await freePort();
    const env = {
      ...process.env,
      CARTWHEEL_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(await freePort()),
      ...ANY_CLICKHOUSE_PORTS,
      CARTWHEEL_TASK_QUEUE: `stack-kill-${temporalPort}`,
      TEMPORAL_ADDRESS: '',
      CLICKHOUSE_URL: '',
    };
    const npm = spawn('npm', ['start', '--', '--once', '--date', date], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = output(npm);
    let stackPid = 0;
    let server = 0;
    let warehouse = 0;
    try {
      await out.waitFor(/waiting for files: payments/, 420_000);
      stackPid = (JSON.parse(readFileSync(stackLockFile(dataDir), 'utf8')) as { pid: number }).pid;
      server = serverPid(path.join(dataDir, 'run'), temporalPort);
      warehouse = (JSON.parse(readFileSync(path.join(localServerHome(dataDir), 'server.json'), 'utf8')) as { pid: number }).pid;
      assert.ok(isAlive(stackPid) && isAlive(server) && isAlive(warehouse));
      npm.kill('SIGTERM');
      // Generous: the stack stops its worker and servers (10 s grace) on a loaded machine.
      const deadline = Date.now() + 120_000;
      while ((isAlive(stackPid) || isAlive(server) || isAlive(warehouse)) && Date.now() < deadline) await delay(500);
      assert.ok(!isAlive(server), `the dev server (pid ${server}) was stopped:\n${out.text()}`);
      assert.ok(!isAlive(warehouse), `the chDB server (pid ${warehouse}) was stopped:\n${out.text()}`);
      assert.ok(!isAlive(stackPid), `npm start (pid ${stackPid}) ended:\n${out.text()}`);
    } finally {
      for (const pid of [stackPid, server, warehouse]) if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
      npm.kill('SIGKILL');
    }
  });
});
