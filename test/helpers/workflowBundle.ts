/** Bundling workflows/ takes a second or two: do it once per test process. */
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

let bundle: Promise<WorkflowBundle> | undefined;

export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: silentLogger });
  return bundle;
}

const silentLogger = {
  log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {},
};
