/**
 * CLI for the deterministic sample-data generator.
 *
 *   tsx ops/generate/cli.ts --date YYYY-MM-DD --orders N --seed S [--defect-rate R] [--out DIR]
 *   tsx ops/generate/cli.ts --changes BATCH_ID --from-date YYYY-MM-DD [--from-date ...] [--orders N] [--payments N] [--seed S] [--out DIR]
 *
 * Default output: <repo>/data/landing/<date>, or <CARTWHEEL_DATA_DIR>/landing/<date>
 * when that variable is set; a change batch goes to landing/changes/<batch id> of the same data
 * folder, built from the days' landed (or archived) files there (ops/generate/changedRows.ts).
 * Exit codes: 0 ok, 2 bad arguments, 1 generation failure.
 */
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { batchIdProblem } from '../../pipeline/land/batchId';
import { generateChangeBatch } from './changedRows';
import {
  DEFECTS_BY_SOURCE,
  EXPORT_SOURCES,
  MAX_DEFECT_RATE,
  MAX_ORDERS,
  generateDailyExport,
  isCalendarDate,
  type GeneratedExport,
} from './sampleData';

const REPO_ROOT = path.resolve(__dirname, '../..');

const USAGE =
  'usage: tsx ops/generate/cli.ts --date YYYY-MM-DD --orders N --seed S [--defect-rate R] [--out DIR]\n' +
  `  --date         business date (UTC), e.g. 2018-03-14\n` +
  `  --orders       number of distinct orders, 1..${MAX_ORDERS}\n` +
  `  --seed         integer seed; same seed + date + orders = byte-identical files\n` +
  `  --defect-rate  probability of each defect kind per row, 0..${MAX_DEFECT_RATE} (default 0.01)\n` +
  `  --out          output directory (default: $CARTWHEEL_DATA_DIR/landing/<date> or data/landing/<date>)`;

/** Missing flags arrive as undefined; say "is required" rather than zod's type message. */
const requiredString = z.string({
  error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string'),
});

function integerFlag(min: number, max: number) {
  return requiredString
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));
}

// Keys are the flag names, so zod issue paths name the offending flag directly.
const ArgsSchema = z.object({
  date: requiredString.refine(isCalendarDate, 'must be a valid date in YYYY-MM-DD format'),
  orders: integerFlag(1, MAX_ORDERS),
  seed: integerFlag(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  'defect-rate': z
    .string()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, 'must be a decimal number such as 0.01')
    .transform(Number)
    .pipe(z.number().max(MAX_DEFECT_RATE, `must be <= ${MAX_DEFECT_RATE} (one defect kind per row at most)`))
    .default(0.01),
  out: z.string().min(1, 'must not be empty').optional(),
});
type Args = z.output<typeof ArgsSchema>;

class UsageError extends Error {}

/** Flags as parseArgs reads them; its errors already name the flag ("Unknown option '--foo'"). */
function readFlags(argv: string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, unknown> {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The flags through their schema; every problem names its flag. */
function validFlags<S extends z.ZodType>(schema: S, values: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => `--${String(issue.path[0] ?? '?')} ${issue.message}`).join('\n'));
  }
  return parsed.data;
}

function parseCli(argv: string[]): Args {
  const values = readFlags(argv, {
    date: { type: 'string' },
    orders: { type: 'string' },
    seed: { type: 'string' },
    'defect-rate': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(`${USAGE}\n\n${CHANGES_USAGE}`);
    process.exit(0);
  }
  delete values.help;
  return validFlags(ArgsSchema, values);
}

const CHANGES_USAGE =
  'usage: tsx ops/generate/cli.ts --changes BATCH_ID --from-date YYYY-MM-DD [--from-date ...] [--orders N] [--payments N] [--seed S] [--out DIR]\n' +
  `  --changes      change batch id: YYYYMMDDTHHMMSSZ[-label], the batch's UTC export time, e.g. 20240415T093000Z\n` +
  `  --from-date    a generated day whose order lines and payments are changed (repeat for several)\n` +
  `  --orders       orders changed per day, every line of each (default 50)\n` +
  `  --payments     payments corrected per day (default 20)\n` +
  `  --seed         integer seed (default 1); same arguments = byte-identical files\n` +
  `  --out          output directory (default: <data folder>/landing/changes/<batch id>)`;

const ChangesArgsSchema = z.object({
  changes: requiredString.superRefine((id, ctx) => {
    const problem = batchIdProblem(id);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/^change batch id "[^"]*" is/, 'is') });
  }),
  'from-date': z.array(z.string().refine(isCalendarDate, 'must be a valid date in YYYY-MM-DD format'), { error: 'is required' }).min(1, 'is required'),
  orders: integerFlag(0, 1_000_000).default(50),
  payments: integerFlag(0, 1_000_000).default(20),
  seed: integerFlag(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).default(1),
  out: z.string().min(1, 'must not be empty').optional(),
});
type ChangesArgs = z.output<typeof ChangesArgsSchema>;

function parseChangesCli(argv: string[]): ChangesArgs {
  const values = readFlags(argv, {
    changes: { type: 'string' },
    'from-date': { type: 'string', multiple: true },
    orders: { type: 'string' },
    payments: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
  });
  return validFlags(ChangesArgsSchema, values);
}

function dataDirectory(): string {
  return path.resolve(process.env.CARTWHEEL_DATA_DIR ?? path.join(REPO_ROOT, 'data'));
}

function generateChanges(argv: string[]): void {
  let args: ChangesArgs;
  try {
    args = parseChangesCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${CHANGES_USAGE}`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  let result: ReturnType<typeof generateChangeBatch>;
  try {
    result = generateChangeBatch({
      batchId: args.changes,
      fromDates: args['from-date'],
      dataDir: dataDirectory(),
      outDir: args.out ? path.resolve(args.out) : undefined,
      orders: args.orders,
      payments: args.payments,
      seed: args.seed,
    });
  } catch (error) {
    // A day that was never generated, a batch folder that already holds files: say so, no stack.
    if (!(error instanceof RangeError)) throw error;
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  console.log(`generated change batch ${result.batchId} into ${result.outDir}`);
  for (const source of ['orders', 'payments'] as const) console.log(`  ${`${source}.csv`.padEnd(14)} ${result.rows[source].toLocaleString('en-US').padStart(12)} rows`);
  console.log(`  elapsed ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

function defaultOutDir(date: string): string {
  const dataDir = process.env.CARTWHEEL_DATA_DIR;
  return dataDir ? path.resolve(dataDir, 'landing', date) : path.join(REPO_ROOT, 'data', 'landing', date);
}

function formatSummary(result: GeneratedExport, outDir: string, seconds: number): string {
  const lines = [`generated ${result.businessDate} into ${outDir}`];
  for (const source of EXPORT_SOURCES) {
    const defects = DEFECTS_BY_SOURCE[source]
      .map((kind) => `${kind}=${result.defects[source][kind].toLocaleString('en-US')}`)
      .join(' ');
    lines.push(
      `  ${`${source}.csv`.padEnd(14)} ${result.rows[source].toLocaleString('en-US').padStart(12)} rows   ${defects}`,
    );
  }
  lines.push(`  elapsed ${seconds.toFixed(2)} s`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.some((arg) => arg === '--changes' || arg.startsWith('--changes='))) return generateChanges(argv);
  let args: Args;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const outDir = args.out ? path.resolve(args.out) : defaultOutDir(args.date);
  const started = performance.now();
  const result = await generateDailyExport({
    businessDate: args.date,
    orders: args.orders,
    seed: args.seed,
    defectRate: args['defect-rate'],
    outDir,
  });
  console.log(formatSummary(result, outDir, (performance.now() - started) / 1000));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
});
