/**
 * The transform as an activity: it resumes from the checkpoint the previous attempt's last heartbeat
 * carried, heartbeats its progress and current checkpoint every second (and once more before it
 * fails, so the next attempt gets the latest), and stops between statements when cancelled. The
 * engine does the work; nothing runs on a worker thread.
 */
import type { Warehouse } from '../../clickhouse/client';
import { currentWork, throwIfCancelled } from '../workContext';
import type { DataLayout } from '../../domain/layout';
import type { SourceSettings } from '../../domain/settings/sources';
import { checkpointFromDetails, readCheckpoint } from './transformCheckpoint';
import { transformSource, type TransformInput, type TransformSummary } from './transformSource';

// Cancellation reaches an activity only in the answer to a heartbeat: heartbeat from the start and often.
const HEARTBEAT_MS = 1_000;

export async function transformActivity(warehouse: Warehouse, layout: DataLayout, settings: SourceSettings, input: TransformInput): Promise<TransformSummary> {
  const context = currentWork();
  const resume = checkpointFromDetails(context?.previousHeartbeat);
  const checkpointFile = layout.transformCheckpointFile(input.businessDate, input.source);
  let rowsDone = 0;
  const beat = () => {
    const checkpoint = readCheckpoint(checkpointFile);
    context?.heartbeat({ task: 'transform', rowsDone, ...(checkpoint ? { checkpoint } : {}) });
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  try {
    const summary = await transformSource(warehouse, layout, { settings, resume, signal: context?.cancellationSignal, onProgress: (rows) => (rowsDone = rows) }, input);
    throwIfCancelled();
    return summary;
  } catch (error) {
    beat(); // the failure carries the last heartbeat's details to the next attempt: make them the latest
    throw error;
  } finally {
    clearInterval(timer);
  }
}
