/**
 * The Java time-skipping test server, provisioned by the project's own script: one per describe()
 * that calls useTimeSkippingServer() (in practice one per file), stopped after its last test or when
 * the process exits. Never shared: time is global to a test server, and workflows a file leaves open
 * hold the clock of the next file (reusing one server per process made runAccounts' late-file test
 * wait an hour of real time).
 *
 * The server is started here rather than by TestWorkflowEnvironment.createTimeSkipping(): the SDK
 * gives it 5 s to listen, which a JVM start misses on a loaded machine, and a server it started
 * outlives a process that exits without teardown.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../../ops/stack/freePort';
import { registerSearchAttributes } from '../../ops/stack/searchAttributes';
import { ensureTestServer } from '../../ops/tools/provision';
import { tempDir } from './tempDirs';

const START_TIMEOUT_MS = 120_000;

/** A test server on a free port: its address and how to stop it. */
async function startTestServer(): Promise<{ address: string; stop(): void }> {
  const executable = await ensureTestServer(() => {});
  const port = await freePort();
  const logFile = path.join(tempDir('temporal-test-server'), 'server.log');
  const log = openSync(logFile, 'w');
  // The wrapper execs java, so this pid is the server's.
  const child = spawn(executable, [String(port)], { stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listens(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the Temporal test server did not listen on ${port} within ${START_TIMEOUT_MS / 1000} s (${child.exitCode ?? child.signalCode ?? 'still running'}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await delay(100);
  }
  return { address: `127.0.0.1:${port}`, stop };
}

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// TestWorkflowEnvironment.create is the SDK's own constructor path; it is private only in the types.
// Public createFromExistingServer() would give a client that never skips time.
type Create = (options: { server: { type: 'existing' }; address: string; supportsTimeSkipping: true; namespace: string }) => Promise<TestWorkflowEnvironment>;

async function timeSkippingEnv(searchAttributes: boolean): Promise<TestWorkflowEnvironment> {
  const server = await startTestServer();
  const create = (TestWorkflowEnvironment as unknown as { create: Create }).create.bind(TestWorkflowEnvironment);
  const env = await create({ server: { type: 'existing' }, address: server.address, supportsTimeSkipping: true, namespace: 'default' });
  const closeConnections = env.teardown.bind(env);
  env.teardown = async () => {
    await closeConnections();
    server.stop();
  };
  // Runs that set RunKind publish cartwheel's search attributes, which the server must know.
  if (searchAttributes) await registerSearchAttributes(env.connection);
  return env;
}

/**
 * Called inside a describe(): a time-skipping server for that block, started before its first test
 * and stopped after its last. Returns the environment getter (the server exists only once `before` ran):
 *
 *   const testEnv = useTimeSkippingServer({ searchAttributes: true });
 *   it('...', async () => { await testEnv().client.workflow.start(...) });
 */
export function useTimeSkippingServer(options: { searchAttributes?: boolean } = {}): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  before(async () => {
    env = await timeSkippingEnv(options.searchAttributes ?? false);
  });
  after(async () => {
    await env?.teardown();
    env = undefined;
  });
  return () => {
    if (!env) throw new Error('the time-skipping server is reached from a test or hook of the describe() that called useTimeSkippingServer()');
    return env;
  };
}
