/**
 * `npm run status`: the latest runs from the warehouse's run record with their outcome and counts,
 * and the cartwheel workflows still open on Temporal when a server answers (TEMPORAL_ADDRESS).
 *
 *   npm run status -- [--limit N]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../workers/config';
import { formatTable } from './status/formatTable';
import { openWorkflows } from './status/openWorkflows';
import { recentRuns } from './status/recentRuns';
import { tryTemporalClient } from './stack/temporalClient';
import { opsWarehouse } from './stack/warehouseClient';

const argsSchema = z.object({ limit: z.coerce.number().int().positive().max(1000).default(20) });

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { limit: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
    return 2;
  }
  const config = loadConfig();

  const warehouse = await opsWarehouse(config);
  try {
    const runs = await recentRuns(warehouse.client, parsed.data.limit);
    console.log(`Recent runs (${warehouse.where}):`);
    // A run's message, whole, on the line under its row: it names the file, check or step and what to
    // do, so it is never cut (a table column would be cut or make every row as wide).
    console.log(runs.length === 0 ? '  none recorded yet' : formatTable(
      ['date', 'kind', 'status', 'quality', 'read', 'loaded', 'quarantined', 'dedup', 'dropped', 'held back', 'refused', 'finished (UTC)', 'workflow'],
      runs.map((r) => [r.businessDate, r.kind, r.status, r.qualityVerdict, r.rowsRead, r.rowsLoaded, r.rowsQuarantined, r.rowsDeduplicated, r.rowsDropped, r.rowsHeldBack, r.refused || '-', r.finishedAt, r.workflowId]),
      runs.map((r) => r.message),
    ));
  } catch (error) {
    console.error(`could not read the run record from ${warehouse.where}: ${(error as Error).message.trim()}`);
    return 1;
  } finally {
    await warehouse.close();
  }

  const temporal = await tryTemporalClient(config);
  if (!temporal) {
    console.log(`\nTemporal at ${config.temporal.address} does not answer: open workflows not listed.`);
    return 0;
  }
  try {
    const open = await openWorkflows(temporal.client, parsed.data.limit);
    console.log(`\nOpen workflows (${config.temporal.address}):`);
    console.log(open.length === 0 ? '  none' : formatTable(['workflow', 'type', 'business date', 'kind', 'started (UTC)'], open.map((w) => [w.workflowId, w.type, w.businessDate ?? '', w.runKind ?? '', w.startTime])));
  } finally {
    await temporal.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`npm run status failed: ${error.message}`);
    process.exit(1);
  },
);
