/**
 * The worker of every workflow test, built as `npm start` and `npm run worker` build theirs: the
 * configuration from loadConfig (CARTWHEEL_ENV=test) and the factory of workers/cartwheelWorker.ts,
 * so the workflows, data converter (payload codec) and activity concurrency are the production ones
 * (and so would an interceptor be, added there). A test picks what it needs to differ: connection, task queue, pipeline settings
 * and warehouse, or the real activities wrapped by a double; `env` adds configuration variables
 * (e.g. CARTWHEEL_PAYLOAD_KEY), and the client that starts runs then needs the same converter.
 */
import type { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { PipelineSettings } from '../../domain/settings/index';
import type { Warehouse } from '../../clickhouse/client';
import { createCartwheelWorker, type WorkerOptions } from '../../workers/cartwheelWorker';
import { loadConfig } from '../../workers/config';
import { workflowBundle } from './workflowBundle';

export type TestWorkerOptions = Pick<WorkerOptions, 'connection' | 'maxHeartbeatThrottleInterval'> & {
  taskQueue: string;
  /** The dev-server file's namespace (DevServerEnv.namespace); `default` when omitted. */
  namespace?: string;
  env?: Record<string, string>;
} & (
  /** The real activities over this data folder's settings and warehouse. */
  | { settings: PipelineSettings; warehouse: Warehouse }
  /** A double around the real activities (it calls them for what it does not change). */
  | { activities: Activities }
);

export async function productionWorker(options: TestWorkerOptions): Promise<Worker> {
  const { connection, taskQueue, namespace, env, maxHeartbeatThrottleInterval } = options;
  const loaded = loadConfig({ CARTWHEEL_ENV: 'test', ...env, CARTWHEEL_TASK_QUEUE: taskQueue, ...(namespace && { TEMPORAL_NAMESPACE: namespace }) });
  const common = { connection, workflowBundle: await workflowBundle(), maxHeartbeatThrottleInterval };
  return 'activities' in options
    ? createCartwheelWorker({ ...common, config: loaded, activities: options.activities })
    : createCartwheelWorker({ ...common, config: { ...loaded, pipeline: options.settings }, warehouse: options.warehouse });
}
