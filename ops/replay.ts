/**
 * `npm run replay -- --from D1 --to D2`: rebuild the warehouse for a date range from the archive of
 * raw inputs (disaster recovery), through Temporal (a worker must be running: npm start or npm run worker):
 * the archived days, then the archived change batches exported since D1.
 * Prints progress until the replay finishes. Running the command again for the same range attaches to
 * the replay already in flight instead of starting a second one.
 *
 *   npm run replay -- --from 2024-03-01 --to 2024-03-31 [--per-run 25]
 */
import { WorkflowFailedError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { assertBusinessDate } from '../domain/layout';
import { BUSINESS_DATE_RULE } from '../domain/businessDateRule';
import { loadConfig } from '../workers/config';
import { replayProgressQuery, type ReplayLoadInput, type ReplayLoadResult, type ReplayProgress } from '../workflows';
import { RUN_KIND } from '../workflows/searchAttributes';
import { registerSearchAttributes } from './stack/searchAttributes';
import { temporalClient } from './stack/temporalClient';

const date = z.string().refine((d) => {
  try { assertBusinessDate(d); return true; } catch { return false; }
}, BUSINESS_DATE_RULE);
const argsSchema = z.object({ from: date, to: date, 'per-run': z.coerce.number().int().min(1).max(500).default(25) })
  .refine((a) => a.from <= a.to, { message: '--from must not be after --to', path: ['from'] });

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, 'per-run': { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    console.error('usage: npm run replay -- --from YYYY-MM-DD --to YYYY-MM-DD [--per-run N]');
    return 2;
  }
  const { from, to } = parsed.data;
  const config = loadConfig();
  const temporal = await temporalClient(config).catch((error: Error) => {
    throw new Error(`Temporal at ${config.temporal.address} does not answer (${error.message}); start the stack with npm start, or set TEMPORAL_ADDRESS`);
  });
  try {
    // Search attributes make the replay's runs filterable in the Web UI; without them it still works.
    const visible = await registerSearchAttributes(temporal.connection, config.temporal.namespace).then(() => true, () => false);
    const input: ReplayLoadInput = { from, to, datesPerRun: parsed.data['per-run'] };
    const handle = await temporal.client.workflow.start('replayLoad', {
      taskQueue: config.temporal.taskQueue,
      workflowId: `replay-${from}-${to}`,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      ...(visible ? { typedSearchAttributes: [{ key: RUN_KIND, value: 'replay' }] } : {}),
    });
    console.log(`replay ${handle.workflowId} started (task queue ${config.temporal.taskQueue}); a worker must be running`);
    const stop = reportProgress(() => handle.query(replayProgressQuery));
    try {
      const result = (await handle.result()) as ReplayLoadResult;
      console.log(result.replayed === 0 ? `nothing archived between ${from} and ${to}: nothing replayed` : `replayed ${result.replayed} day(s), the last ${result.lastDate}`);
      if (result.changeBatches) console.log(`re-applied ${result.changeBatches} archived change batch(es) exported since ${from}`);
      return 0;
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? (error.cause?.cause ?? error.cause) : error;
      console.error(`replay failed: ${(cause as Error)?.message ?? String(error)}`);
      console.error(`Fix the cause, then run the same command again: days already replayed are replayed again, which is harmless.`);
      return 1;
    } finally {
      stop();
    }
  } finally {
    await temporal.close();
  }
}

function reportProgress(query: () => Promise<ReplayProgress>): () => void {
  let last = '';
  const timer = setInterval(() => {
    query()
      .then((p) => {
        const batches = p.changeBatches ? `, ${p.changeBatches} change batch(es) re-applied` : '';
        const line = `  ... ${p.replayed}/${p.total} day(s) replayed${batches}${p.current ? `, loading ${p.current}` : ''}`;
        if (line !== last) console.log(line);
        last = line;
      })
      .catch(() => undefined); // between two runs of a continue-as-new chain, or already finished
  }, 1000);
  return () => clearInterval(timer);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`npm run replay failed: ${error.message}`);
    process.exit(1);
  },
);
