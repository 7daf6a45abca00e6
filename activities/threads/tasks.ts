/**
 * The CPU-heavy half of ingest (the transform runs in the engine), as plain functions of serialisable jobs, so they can
 * run on a worker thread (both cores busy) or inline. Errors come back as data: structured clone
 * would drop an ApplicationFailure's type and retry flag on the way out of a thread.
 */
import type { SourceName } from '../contracts';
import { DataLayout } from '../files/layout';
import { ingestSource, type IngestOptions, type IngestSummary } from '../ingest/ingestSource';

export interface TaskFailure {
  failed: { message: string; type?: string; nonRetryable?: boolean };
}

/**
 * Jobs cross into a thread by structured clone. Personal-data keys travel inside them (options /
 * personalData) and nowhere else: a job is never logged, heartbeated or returned.
 */
export interface IngestJob {
  dataDir: string;
  businessDate: string;
  source: SourceName;
  options: Omit<IngestOptions, 'onProgress'>;
  /** Int32 counter of rows done, read by the activity's heartbeat. */
  progress: SharedArrayBuffer;
}

export async function ingest(job: IngestJob): Promise<IngestSummary | TaskFailure> {
  const done = new Int32Array(job.progress);
  return asResult(() =>
    ingestSource(new DataLayout(job.dataDir), { ...job.options, onProgress: (rows) => Atomics.store(done, 0, rows) }, {
      businessDate: job.businessDate,
      source: job.source,
    }),
  );
}

async function asResult<T>(work: () => Promise<T>): Promise<T | TaskFailure> {
  try {
    return await work();
  } catch (error) {
    const e = error as Error & { type?: string; nonRetryable?: boolean };
    return { failed: { message: e.message, type: e.type ?? e.name, nonRetryable: e.nonRetryable } };
  }
}
