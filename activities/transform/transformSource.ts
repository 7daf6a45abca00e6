/**
 * Clean one source's validated rows, one hash partition at a time: remove duplicates by the
 * configured key (the latest wins, ties go to the later line), apply null strategies, add
 * calculated fields, enforce business rules, and write the result as Parquet waiting for the
 * quality gate. Memory holds one partition, whatever the size of the file.
 *
 * Rows arrive with personal columns already protected by ingest (ciphertext, token, masked value);
 * the transform never needs them in plaintext, except to write a row a business rule quarantines
 * back as delivered, so a person can fix and re-land it (like the contract's quarantine file).
 */
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
import { inRowGroups, writeParquetParts } from '../stage/parquetStream';
import { Deduplicator } from './deduplicate';
import { enrich } from './enrich';
import { orderContexts } from './orderContexts';
import { applyNullStrategies } from './nullStrategies';
import { rulesOf } from './rules';

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

  const counts = { rowsIn: 0, rowsOut: 0, duplicatesRemoved: 0, rowsQuarantined: 0, rowsDropped: 0 };
  const violations = new Map<string, RuleViolationCount>();
  const nulls = new Map<string, NullHandlingCount>();
  const landingFile = layout.landingFile(businessDate, source);
  const quarantine = new BufferedWriter(layout.rulesQuarantineFile(businessDate, source));
  quarantine.write(csvLine([...QUARANTINE_HEADER, ...contractSpecs.map((c) => c.name)]));

  async function* cleanRows(): AsyncGenerator<TypedRow> {
    for (let partition = 0; partition < input.partitions; partition += 1) {
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
          continue;
        }
        row.rule_flags = broken.map((b) => b.rule.name).join(',');
        counts.rowsOut += 1;
        yield row;
      }
      await quarantine.flushIfFull();
      options.onProgress?.(counts.rowsIn);
    }
  }

  try {
    await writeParquetParts(layout.pendingDir(businessDate, source), stagedColumns(source), inRowGroups(cleanRows()));
    await quarantine.close();
  } catch (error) {
    quarantine.abort();
    throw error;
  }
  return {
    source,
    ...counts,
    ruleViolations: [...violations.values()],
    nullsHandled: [...nulls.values()],
    cleanDir: layout.pendingDir(businessDate, source),
    rulesQuarantineFile: layout.rulesQuarantineFile(businessDate, source),
  };
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
