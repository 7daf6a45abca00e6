/**
 * Clean one source's validated rows, one hash partition at a time: remove duplicates by the
 * configured key (the latest wins, ties go to the later line), apply null strategies, add
 * calculated fields, enforce business rules, and write the result as Parquet waiting for the
 * quality gate. Memory holds one partition, whatever the size of the file.
 *
 * Resumable: each partition's parts and rules-quarantine segment are finished before the next one
 * starts, and a checkpoint (counts so far) is written after each; the activity heartbeats it, and a
 * retry continues after the last finished partition instead of starting over. Only when every
 * partition is done do the parts become the pending folder and the segments one quarantine file.
 *
 * Rows arrive with personal columns already protected by ingest (ciphertext, token, masked value);
 * the transform never needs them in plaintext, except to write a row a business rule quarantines
 * back as delivered, so a person can fix and re-land it (like the contract's quarantine file).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CONTRACTS, contractColumns, stagedColumns, type ColumnSpec, type SourceName, type TypedRow } from '../contracts';
import type { StorageKind } from '../contracts/columns';
import { BufferedWriter } from '../files/bufferedWriter';
import { csvLine } from '../files/csvText';
import type { DataLayout } from '../files/layout';
import { readNdjson } from '../files/ndjson';
import { QUARANTINE_HEADER } from '../ingest/headerPositions';
import { dedupOf, type NullStrategy, type SourceSettings } from '../pipelineConfig';
import { badInput } from '../errors';
import type { TransferableKeys } from '../security/personalDataKeys';
import { protectorFor, type PersonalDataProtector } from '../security/personalDataProtector';
import { personalSettingsProblems } from '../security/personalSettings';
import { inRowGroups, writeEmptyPart, writePrefixedParts } from '../stage/parquetStream';
import { Deduplicator } from './deduplicate';
import { enrich } from './enrich';
import { orderContexts } from './orderContexts';
import { applyNullStrategies } from './nullStrategies';
import { rulesOf } from './rules';
import { writeCheckpoint, type TransformCheckpoint, type TransformCounts } from './transformCheckpoint';

export interface TransformInput {
  businessDate: string;
  source: SourceName;
  /** How many partitions ingest wrote (IngestSummary.partitions). */
  partitions: number;
}

export interface TransformOptions {
  settings: SourceSettings;
  onProgress?: (rowsDone: number) => void;
  /** Keys to reproduce personal values in the rules-quarantine file (never logged); absent: development keys. */
  personalData?: TransferableKeys;
  /** An earlier attempt's checkpoint (from its heartbeat details): resume after its last finished partition. */
  resume?: TransformCheckpoint;
}

export interface RuleViolationCount {
  rule: string;
  /** `quarantine`: the row was moved to quarantine; `flag`: the row was kept and counted. */
  action: 'quarantine' | 'flag';
  count: number;
}

export interface NullHandlingCount {
  column: string;
  strategy: NullStrategy['strategy'];
  count: number;
}

export interface TransformSummary {
  source: SourceName;
  rowsIn: number;
  rowsOut: number;
  duplicatesRemoved: number;
  /** Rows moved to quarantine by quarantine-severity business rules. */
  rowsQuarantined: number;
  /** Rows removed by a drop-row null strategy. */
  rowsDropped: number;
  ruleViolations: RuleViolationCount[];
  nullsHandled: NullHandlingCount[];
  /** Parquet parts of the transformed rows; staged only after the quality gate. */
  cleanDir: string;
  rulesQuarantineFile: string;
}

export async function transformSource(layout: DataLayout, options: TransformOptions, input: TransformInput): Promise<TransformSummary> {
  const { source, businessDate } = input;
  const refused = personalSettingsProblems(source, options.settings);
  if (refused.length > 0) throw badInput(`invalid settings:\n  ${refused.join('\n  ')}`, 'InvalidSettings');
  const { key, latestBy } = dedupOf(source, options.settings);
  const strategies = Object.entries(options.settings.nullStrategies);
  const rules = rulesOf(source)
    .map((rule) => ({ rule, action: options.settings.rules[rule.name] ?? rule.defaultAction }))
    .filter((r): r is { rule: typeof r.rule; action: 'quarantine' | 'flag' } => r.action !== 'off');
  const contractSpecs = contractColumns(CONTRACTS[source]);
  const protector = protectorFor(source, options.personalData);

  // A retry resumes after the last partition an earlier attempt finished (transformCheckpoint.ts).
  const checkpointFile = layout.transformCheckpointFile(businessDate, source);
  const token = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const dirs = layout.transformPartialDirs(businessDate, source, token);
  const earlier = takeOver(layout, input, options.resume, dirs);
  const counts: TransformCounts = earlier ? { ...earlier.counts } : { rowsIn: 0, rowsOut: 0, duplicatesRemoved: 0, rowsQuarantined: 0, rowsDropped: 0 };
  const violations = new Map<string, RuleViolationCount>(earlier?.ruleViolations.map((v) => [v.rule, { ...v }]));
  const nulls = new Map<string, NullHandlingCount>(earlier?.nullsHandled.map((n) => [n.column, { ...n }]));
  const landingFile = layout.landingFile(businessDate, source);

  /** One partition's clean rows; the rows a rule quarantines go to the partition's segment. */
  async function* cleanRows(partition: number, quarantine: BufferedWriter): AsyncGenerator<TypedRow> {
    const deduplicator = new Deduplicator(key, latestBy);
    for await (const row of readNdjson(layout.validPartition(businessDate, source, partition))) deduplicator.add(row);
    counts.rowsIn += deduplicator.rowsSeen;
    counts.duplicatesRemoved += deduplicator.duplicatesRemoved;
    const survivors = deduplicator.rows();
    const orders = source === 'orders' ? orderContexts(survivors) : undefined;

    for (const row of survivors) {
      const outcome = applyNullStrategies(row, strategies, (column, strategy) => {
        const entry = nulls.get(column) ?? { column, strategy, count: 0 };
        entry.count += 1;
        nulls.set(column, entry);
      });
      if (outcome === 'dropped') {
        counts.rowsDropped += 1;
        continue;
      }
      const order = orders?.get(String(row.order_id));
      enrich(source, row, order);
      const broken = rules.filter(({ rule }) => rule.violatedBy(row, order));
      for (const { rule, action } of broken) {
        const entry = violations.get(rule.name) ?? { rule: rule.name, action, count: 0 };
        entry.count += 1;
        violations.set(rule.name, entry);
      }
      const quarantining = broken.find((b) => b.action === 'quarantine');
      if (quarantining) {
        counts.rowsQuarantined += 1;
        quarantine.write(csvLine([landingFile, String(row.source_line), '', '', `business rule ${quarantining.rule.name}: ${quarantining.rule.description}`, ...contractSpecs.map((c) => originalText(row, c, protector))]));
        await quarantine.flushIfFull();
        continue;
      }
      row.rule_flags = broken.map((b) => b.rule.name).join(',');
      counts.rowsOut += 1;
      yield row;
    }
  }

  const columns = stagedColumns(source);
  for (let partition = earlier?.partitionsDone ?? 0; partition < input.partitions; partition += 1) {
    const segment = new BufferedWriter(path.join(dirs.rules, `${partitionName(partition)}.csv`));
    try {
      await writePrefixedParts(dirs.parts, `part-${partitionName(partition)}`, columns, inRowGroups(cleanRows(partition, segment)));
      await segment.close();
    } catch (error) {
      segment.abort();
      throw error;
    }
    writeCheckpoint(checkpointFile, {
      partitions: input.partitions,
      partitionsDone: partition + 1,
      token,
      counts: { ...counts },
      ruleViolations: [...violations.values()],
      nullsHandled: [...nulls.values()],
    });
    options.onProgress?.(counts.rowsIn);
  }

  await publishTransformed(layout, input, dirs, columns, contractSpecs);
  rmSync(checkpointFile, { force: true });
  return {
    source,
    ...counts,
    ruleViolations: [...violations.values()],
    nullsHandled: [...nulls.values()],
    cleanDir: layout.pendingDir(businessDate, source),
    rulesQuarantineFile: layout.rulesQuarantineFile(businessDate, source),
  };
}

/**
 * Take over the folders of the attempt that wrote `resume`, dropping what it left of an unfinished
 * partition; any other attempt's folders go. Without a usable checkpoint, start empty.
 */
function takeOver(layout: DataLayout, input: TransformInput, resume: TransformCheckpoint | undefined, dirs: { parts: string; rules: string }): TransformCheckpoint | undefined {
  const work = path.dirname(dirs.parts);
  const previous = resume && resume.partitions === input.partitions ? layout.transformPartialDirs(input.businessDate, input.source, resume.token) : undefined;
  const usable = previous !== undefined && existsSync(previous.parts) && existsSync(previous.rules);
  if (usable) {
    renameSync(previous.parts, dirs.parts);
    renameSync(previous.rules, dirs.rules);
  }
  if (existsSync(work)) {
    for (const name of readdirSync(work)) {
      const full = path.join(work, name);
      if (/^(clean|rules)\.partial-/.test(name) && full !== dirs.parts && full !== dirs.rules) rmSync(full, { recursive: true, force: true });
    }
  }
  mkdirSync(dirs.parts, { recursive: true });
  mkdirSync(dirs.rules, { recursive: true });
  if (!usable || !resume) return undefined;
  const done = resume.partitionsDone;
  const unfinished = (name: string) => !/^(part-)?\d{4}[-.]/.test(name) || Number(/\d{4}/.exec(name)![0]) >= done || /\.(tmp|partial-\d+)$/.test(name);
  for (const dir of [dirs.parts, dirs.rules]) {
    for (const name of readdirSync(dir).filter(unfinished)) rmSync(path.join(dir, name), { force: true });
  }
  return resume;
}

/**
 * Every partition is done: the parts become the pending folder stage will publish (one empty part
 * when the day had no rows, so it still carries the schema), and the segments one rules-quarantine file.
 */
async function publishTransformed(layout: DataLayout, input: TransformInput, dirs: { parts: string; rules: string }, columns: ColumnSpec[], contractSpecs: ColumnSpec[]): Promise<void> {
  if (!readdirSync(dirs.parts).some((name) => name.endsWith('.parquet'))) writeEmptyPart(path.join(dirs.parts, 'part-0000-0000.parquet'), columns);
  const quarantine = new BufferedWriter(layout.rulesQuarantineFile(input.businessDate, input.source));
  try {
    quarantine.write(csvLine([...QUARANTINE_HEADER, ...contractSpecs.map((c) => c.name)]));
    for (const segment of readdirSync(dirs.rules).filter((name) => name.endsWith('.csv')).sort()) {
      quarantine.write(readFileSync(path.join(dirs.rules, segment), 'utf8'));
      await quarantine.flushIfFull();
    }
    await quarantine.close();
  } catch (error) {
    quarantine.abort();
    throw error;
  }
  const pending = layout.pendingDir(input.businessDate, input.source);
  rmSync(pending, { recursive: true, force: true });
  renameSync(dirs.parts, pending);
  rmSync(dirs.rules, { recursive: true, force: true });
}

function partitionName(partition: number): string {
  return String(partition).padStart(4, '0');
}

/** A column of a row as delivered (personal ones decrypted), so a quarantine file can be fixed and landed again. */
function originalText(row: TypedRow, column: ColumnSpec, protector: PersonalDataProtector): string {
  return column.personal ? protector.reveal(row, column.name) ?? '' : asText(row[column.name], column.storage);
}

/** A typed value back in a form the contract accepts. */
function asText(value: TypedRow[string], storage: StorageKind): string {
  if (value === null || value === undefined) return '';
  if (storage === 'cents') return (Number(value) / 100).toFixed(2);
  if (storage === 'timestamp') return new Date(Number(value)).toISOString();
  return String(value);
}
