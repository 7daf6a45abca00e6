/**
 * Recorded histories replay against the current workflow code: a change that would send a running
 * workflow different commands (another activity, another order, a step added or dropped) fails here,
 * before it reaches a worker. Each recording (test/histories/) comes from the real workflow run by
 * the test named below; refresh them all after an intended change with
 *   UPDATE_HISTORIES=1 npx mocha <each test named in RECORDINGS>
 *
 * Patches: cartwheel 0.x has not been released, so no history outside this repository was written by
 * older workflow code, and none needs a patch to keep replaying. The ten patched() calls were retired
 * as Temporal's patching sample does it (patched -> deprecatePatch -> removed; the histories recorded
 * under deprecatePatch replayed against the code without it before these were recorded). Once a
 * version is released, a change to a workflow that may have runs open goes behind patched('<id>'),
 * and the recording from before the change stays here to prove it still replays.
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface JsonHistory { events: { eventType: string }[] }

const load = (file: string): JsonHistory => JSON.parse(readFileSync(path.join(__dirname, '..', 'histories', file), 'utf8'));
const count = (history: JsonHistory, type: string) => history.events.filter((e) => e.eventType === `EVENT_TYPE_${type}`).length;
const last = (history: JsonHistory) => history.events[history.events.length - 1].eventType.replace('EVENT_TYPE_', '');
const workflows = { workflowsPath: require.resolve('../../workflows') };

/** What each recording covers, so a refresh that lost its point (e.g. no child started) fails. */
const RECORDINGS: { file: string; recordedBy: string; covers: string; check(history: JsonHistory): void }[] = [
  {
    file: 'dailyLoad.json', recordedBy: 'test/workflows/integration.test.ts', covers: 'a whole day on the dev server and the chDB server',
    check: (h) => {
      assert.ok(count(h, 'ACTIVITY_TASK_COMPLETED') >= 15, 'landing, four ingests, four transforms, quality, archive, four stages, load, record');
      assert.equal(last(h), 'WORKFLOW_EXECUTION_COMPLETED');
    },
  },
  {
    file: 'dailyLoad-visibility.json', recordedBy: 'test/workflows/orchestration.test.ts', covers: 'a run that publishes search attributes and its memo',
    check: (h) => {
      assert.ok(count(h, 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES') > 0 && count(h, 'WORKFLOW_PROPERTIES_MODIFIED') > 0, 'search attributes and memo were recorded');
      assert.equal(last(h), 'WORKFLOW_EXECUTION_COMPLETED');
    },
  },
  {
    file: 'replayLoad.json', recordedBy: 'test/workflows/replayLoad.test.ts', covers: "replayLoad's first run: two dailyLoad children, then continue-as-new",
    check: (h) => {
      assert.equal(count(h, 'START_CHILD_WORKFLOW_EXECUTION_INITIATED'), 2);
      assert.equal(last(h), 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    },
  },
  {
    file: 'incrementalLoad.json', recordedBy: 'test/workflows/orchestrationIncremental.test.ts', covers: 'an incrementalLoad that loaded two new days through children',
    check: (h) => {
      assert.equal(count(h, 'START_CHILD_WORKFLOW_EXECUTION_INITIATED'), 2);
      assert.equal(last(h), 'WORKFLOW_EXECUTION_COMPLETED');
    },
  },
  {
    file: 'incrementalLoad-changes.json', recordedBy: 'test/workflows/orchestrationChanges.test.ts', covers: 'an incrementalLoad that applied a change batch through a changeBatchLoad child',
    check: (h) => {
      assert.equal(count(h, 'START_CHILD_WORKFLOW_EXECUTION_INITIATED'), 1);
      assert.equal(last(h), 'WORKFLOW_EXECUTION_COMPLETED');
    },
  },
  {
    file: 'changeBatchLoad.json', recordedBy: 'test/workflows/orchestrationChanges.test.ts', covers: 'the changeBatchLoad child that applied that batch',
    check: (h) => {
      assert.equal(count(h, 'ACTIVITY_TASK_COMPLETED'), 4, 'archive, stage, load the one month, record');
      assert.equal(last(h), 'WORKFLOW_EXECUTION_COMPLETED');
    },
  },
];

describe('workflow replay of recorded histories', function () {
  this.timeout(60_000);

  for (const { file, recordedBy, covers, check } of RECORDINGS) {
    it(`${file} (${covers}; from ${recordedBy}) replays against the current workflows`, async () => {
      const history = load(file);
      check(history);
      await Worker.runReplayHistory(workflows, history);
    });
  }

  it('a non-deterministic change to dailyLoad fails the replay', async () => {
    await assert.rejects(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../fixtures/changedWorkflows') }, load('dailyLoad.json')),
      (error: Error) => {
        assert.ok(error instanceof DeterminismViolationError, `expected a DeterminismViolationError, got ${error.name}: ${error.message}`);
        return true;
      },
    );
  });
});
