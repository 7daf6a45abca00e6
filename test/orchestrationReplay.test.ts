/**
 * Recorded histories replay against the current code: dailyLoad from before the archive and
 * visibility patches (test/histories/dailyLoad.json) and with them (dailyLoad-visibility.json,
 * refreshed by UPDATE_HISTORIES=1 on test/orchestration.test.ts); replayLoad's first run up to its
 * continue-as-new (replayLoad.json, from test/replayLoad.test.ts) and an incrementalLoad that loaded two
 * days through children (incrementalLoad.json, from test/orchestrationIncremental.test.ts), both
 * recorded before change batches were added to them.
 */
import { Worker } from '@temporalio/worker';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const load = (name: string) => JSON.parse(readFileSync(path.join(__dirname, 'histories', name), 'utf8'));

interface JsonHistory { events: { eventType: string; markerRecordedEventAttributes?: { details?: Record<string, { payloads: { data: string }[] }> } }[] }

/** The patch ids a history's markers record (payload data is base64 JSON). */
function patchIds(history: JsonHistory): string[] {
  return history.events.flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}))
    .flatMap((d) => d.payloads.map((p) => (JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) as { id: string }).id));
}

describe('dailyLoad replay across patches', function () {
  this.timeout(60_000);

  it('replays the history recorded before the archive and visibility patches', async () => {
    const history = load('dailyLoad.json');
    const ids = patchIds(history);
    assert.ok(!ids.includes('archive-inputs') && !ids.includes('run-visibility'), `recorded before the archive and visibility patches (${ids.join(', ')})`);
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history);
  });

  it('replays a history recorded with the patches, search attributes and memo', async () => {
    const history = load('dailyLoad-visibility.json');
    assert.deepEqual(patchIds(history).filter((id) => id !== 'quality-alerts').sort(), ['archive-inputs', 'run-visibility']);
    const types = history.events.map((e: { eventType: string }) => e.eventType);
    assert.ok(types.includes('EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES') && types.includes('EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED'), 'search attributes and memo were recorded');
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history);
  });
});

describe('replayLoad and incrementalLoad replay', function () {
  this.timeout(60_000);

  it('replays a replayLoad run that started two dailyLoad children and continued as new', async () => {
    const history = load('replayLoad.json');
    const types = history.events.map((e: { eventType: string }) => e.eventType);
    assert.equal(types.filter((t: string) => t === 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED').length, 2);
    assert.equal(types[types.length - 1], 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history);
  });

  it('replays an incrementalLoad run that loaded two new days', async () => {
    const history = load('incrementalLoad.json');
    const types = history.events.map((e: { eventType: string }) => e.eventType);
    assert.equal(types.filter((t: string) => t === 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED').length, 2);
    assert.equal(types[types.length - 1], 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history);
  });
});
