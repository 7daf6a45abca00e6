/** The Java time-skipping test server, provisioned by the project's own script. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../ops/stack/searchAttributes';
import { ensureTestServer } from '../../ops/tools/provision';

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await ensureTestServer(() => {}) } },
  });
}

/** The same, with cartwheel's search attributes registered (runs that set RunKind publish them). */
export async function timeSkippingEnvWithSearchAttributes(): Promise<TestWorkflowEnvironment> {
  const env = await timeSkippingEnv();
  await registerSearchAttributes(env.connection);
  return env;
}
