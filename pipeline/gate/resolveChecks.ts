/**
 * From configuration to the list of checks a run evaluates: built-in checks merged with declared ones
 * (same name replaces), each with its name, source, dimension and a readable target.
 */
import { CONTRACTS, SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import type { QualityThresholds } from '../../domain/settings/index';
import { builtinChecks } from './builtinChecks';
import type { Dimension } from './checks';
import { qualityConfigSchema, type CheckKind, type CheckSpec, type QualityConfig } from '../../domain/settings/quality';
import { DAILY_METRICS } from '../../domain/dailyMetrics';

export type ResolvedCheck = CheckSpec & { name: string; source: SourceName; dimension: Dimension; target: string };

export const DIMENSION_OF: Record<CheckKind, Dimension> = {
  quarantined_share: 'completeness',
  null_share: 'completeness',
  duplicate_share: 'uniqueness',
  unique: 'uniqueness',
  foreign_key: 'validity',
  accepted_values: 'validity',
  range: 'validity',
  pattern: 'validity',
  business_rule: 'accuracy',
  column_comparison: 'accuracy',
  sum_match: 'consistency',
  trailing_metric: 'consistency',
  freshness: 'freshness',
  volume: 'volume',
  schema_drift: 'schema',
};

/** Dedup keys configured per source (pipeline settings): a key-uniqueness check without columns uses them. */
export type DedupKeys = Partial<Record<SourceName, readonly string[] | undefined>>;

export function resolveChecks(config: QualityConfig | undefined, thresholds: QualityThresholds, dedupKeys: DedupKeys = {}): ResolvedCheck[] {
  const declared = config ?? qualityConfigSchema.parse({});
  const builtin = declared.builtin ? qualityConfigSchema.parse({ sources: builtinChecks(thresholds) }).sources : {};
  const resolved: ResolvedCheck[] = [];
  for (const source of SOURCE_NAMES) {
    const key = dedupKeys[source] ?? CONTRACTS[source].key;
    const byName = new Map<string, ResolvedCheck>();
    for (const spec of builtin[source] ?? []) {
      const check = resolve(source, spec, key);
      byName.set(check.name, check);
    }
    const declaredHere = new Set<string>();
    for (const spec of declared.sources[source] ?? []) {
      const check = resolve(source, spec, key);
      if (declaredHere.has(check.name)) throw new Error(`quality check ${check.name} is declared twice for ${source}; give one an explicit name`);
      declaredHere.add(check.name);
      byName.set(check.name, check); // replaces a built-in check of the same name
    }
    resolved.push(...byName.values());
  }
  const owners = new Map<string, SourceName>();
  for (const check of resolved) {
    const other = owners.get(check.name);
    if (other) throw new Error(`quality check name ${check.name} is used by ${other} and ${check.source}; give one an explicit name`);
    owners.set(check.name, check.source);
  }
  return resolved;
}

function resolve(source: SourceName, declared: CheckSpec, dedupKey: readonly string[]): ResolvedCheck {
  // The key the transform deduplicates on is the key that must be unique afterwards.
  const spec = declared.kind === 'unique' && !declared.columns ? { ...declared, columns: [...dedupKey] } : declared;
  const { name, target } = describe(source, declared, dedupKey.join(', '));
  return { ...spec, name: spec.name ?? name, source, dimension: DIMENSION_OF[spec.kind], target };
}

function describe(source: SourceName, spec: CheckSpec, key: string): { name: string; target: string } {
  switch (spec.kind) {
    case 'quarantined_share':
      return { name: `${source}_quarantined_share`, target: `${source} rows rejected by the contract` };
    case 'duplicate_share':
      return { name: `${source}_duplicate_share`, target: `${source} rows repeating key (${key})` };
    case 'unique':
      return spec.columns
        ? { name: `${source}_${spec.columns.join('_')}_unique`, target: `${source} (${spec.columns.join(', ')}) unique` }
        : { name: `${source}_key_unique`, target: `${source} (${key}) unique after deduplication` };
    case 'null_share':
      return { name: `${source}_${spec.column}_null_share`, target: `${source}.${spec.column} is null` };
    case 'accepted_values':
      return { name: `${source}_${spec.column}_accepted_values`, target: `${source}.${spec.column} not in (${spec.values.join(', ')})` };
    case 'range':
      return { name: `${source}_${spec.column}_range`, target: `${source}.${spec.column} outside [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]` };
    case 'pattern':
      return { name: `${source}_${spec.column}_pattern`, target: `${source}.${spec.column} not matching /${spec.regex}/` };
    case 'foreign_key':
      return { name: `${source}_${spec.column}_exists`, target: `${source}.${spec.column} -> ${spec.references.source}.${spec.references.column}` };
    case 'business_rule':
      return spec.rule
        ? { name: `${source}_rule_${spec.rule.replace(/\W+/g, '_').toLowerCase()}`, target: `${source} rows breaking rule ${spec.rule}` }
        : { name: `${source}_business_rules`, target: `${source} rows breaking any business rule` };
    case 'column_comparison':
      return { name: `${source}_${spec.column}_vs_${spec.other_column}`, target: `${source}: ${spec.column} ${spec.operator} ${spec.other_column} is false` };
    case 'sum_match':
      return {
        name: `${source}_${spec.column}_matches_${spec.other.source}_${spec.other.column}`,
        target: `${spec.group_by} where sum(${source}.${spec.column}) != sum(${spec.other.source}.${spec.other.column})`,
      };
    case 'trailing_metric':
      return { name: `${source}_${spec.metric}_vs_history`, target: `daily ${DAILY_METRICS[spec.metric].describe} vs trailing ${spec.window}-day mean` };
    case 'volume':
      return { name: `${source}_volume`, target: `${source} rows read vs trailing ${spec.window}-day mean` };
    case 'freshness':
      return { name: `${source}_${spec.column}_freshness`, target: `newest ${source}.${spec.column} behind the end of the business date` };
    case 'schema_drift':
      return { name: `${source}_schema_drift`, target: `${source} header and value types vs the contract` };
  }
}
