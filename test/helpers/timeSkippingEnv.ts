/** The Java time-skipping test server with cartwheel's search attributes registered. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../ops/stack/searchAttributes';
import { ensureTestServer } from '../../ops/tools/provision';

export async function timeSkippingEnvWithSearchAttributes(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await ensureTestServer(() => {}) } },
  });
  await registerSearchAttributes(env.connection);
  return env;
}
