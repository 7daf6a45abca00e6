/**
 * Recorded histories (test/histories/*.json) are what workflow changes must keep replaying
 * (test/workflows/replay.test.ts). A test that runs a workflow of interest rewrites its recording when asked:
 * UPDATE_HISTORIES=1 npx mocha <that test>. Refresh them from the current code after an intended
 * change; once a version is released, a change goes behind patched() and the recording from before
 * it stays beside the new one, the proof that runs still open replay.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export async function recordHistoryIfAsked(handle: WorkflowHandle, fileName: string): Promise<void> {
  if (!process.env.UPDATE_HISTORIES) return;
  writeFileSync(path.join(__dirname, '..', 'histories', fileName), `${historyToJSON(await handle.fetchHistory())}\n`);
}
