/**
 * Replays a recorded dailyLoad history against the workflow code. A change that would break running
 * workflows (a different sequence of commands) fails here, before it reaches a worker.
 * Refresh the recording after an intended, patched change: UPDATE_HISTORIES=1 npx mocha test/integration.test.ts
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const history = JSON.parse(readFileSync(path.join(__dirname, 'histories', 'dailyLoad.json'), 'utf8'));

describe('workflow replay', function () {
  this.timeout(60_000);

  it('the current dailyLoad replays the recorded history', async () => {
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history);
  });

  it('a non-deterministic change to dailyLoad fails the replay', async () => {
    await assert.rejects(
      Worker.runReplayHistory({ workflowsPath: require.resolve('./fixtures/changedWorkflows') }, history),
      (error: Error) => {
        assert.ok(error instanceof DeterminismViolationError, `expected a DeterminismViolationError, got ${error.name}: ${error.message}`);
        return true;
      },
    );
  });
});
