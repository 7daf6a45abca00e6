/**
 * The tables of docs/quality.md, from pipeline/gate/: every check kind with its dimension and
 * keys (from the configuration's zod schema), and the built-in checks a run gets without
 * configuration (resolved as a run resolves them, with the default thresholds). What each kind
 * observes is written here, once; a kind without it, or a text for a kind that is gone, fails.
 */
import { z } from 'zod';
import { checkSpecSchema, type CheckKind } from '../../domain/settings/quality';
import { DIMENSION_OF, resolveChecks } from '../../pipeline/gate/resolveChecks';
import { DEFAULT_QUALITY_THRESHOLDS } from '../../domain/settings/index';
import { code, table } from './markdown';

/** What a kind's observed value is; it passes when the value is at most the threshold. */
const OBSERVED: Record<CheckKind, string> = {
  quarantined_share: 'share of the rows read that the contract rejected (samples from the quarantine file)',
  duplicate_share: 'share of the rows that passed the contract removed as duplicates',
  unique: 'share of clean rows repeating the key (default: the dedup key)',
  null_share: 'share of clean rows where the column is null',
  accepted_values: 'share of clean rows whose value is set and not in `values`',
  range: 'share of clean rows whose value is set and outside [`min`, `max`] (money in currency units)',
  pattern: 'share of clean rows whose value is set and does not match `regex` (RE2: no lookaround or back-references)',
  foreign_key: 'share of clean rows whose value is found neither in the referenced source\'s clean rows of the day nor among the members the warehouse holds from other business dates',
  business_rule: 'share of the rows read that broke the transform\'s business rules (`rule`: one of them; default: all), quarantined or flagged',
  column_comparison: 'share of clean rows with both values set where `column operator other_column` is false',
  sum_match: 'share of `group_by` groups whose sums differ by more than `tolerance` (in the column\'s unit: cents for money)',
  trailing_metric: 'relative deviation of the day\'s `metric` from its mean over the last `window` loaded days (from the facts)',
  volume: 'relative deviation of the rows read from their mean over the last `window` successful runs',
  freshness: 'hours the newest value of the timestamp `column` lags behind the end of the business date',
  schema_drift: 'drifted columns: missing or unexpected in the header, moved (unless `allow_reorder`), values whose type does not match the contract',
};

/** Keys every kind takes, described once under the table. */
const COMMON_KEYS = new Set(['kind', 'name', 'severity', 'description', 'threshold']);

type Property = { type?: string; default?: unknown; enum?: unknown[]; properties?: Record<string, Property> };
type Variant = { properties: Record<string, Property & { const?: string }>; required?: string[] };

function variants(): Variant[] {
  const schema = z.toJSONSchema(checkSpecSchema, { io: 'input', unrepresentable: 'any' }) as { oneOf?: Variant[]; anyOf?: Variant[] };
  return schema.oneOf ?? schema.anyOf ?? [];
}

/** `column`, `values`, `columns` (optional), `window` = `7`, `references: {source, column}`. */
function keyText(name: string, property: Property, required: boolean): string {
  const nested = property.properties ? `: {${Object.keys(property.properties).join(', ')}}` : '';
  if (property.default !== undefined) return `${code(name)} = ${code(JSON.stringify(property.default))}`;
  if (property.enum) return `${code(name)}${required ? '' : ' (optional)'}: ${property.enum.map((v) => code(String(v))).join(' ')}`;
  return `${code(name)}${nested}${required ? '' : ' (optional)'}`;
}

export function checkKindsTable(): string {
  const all = variants();
  const kinds = all.map((v) => v.properties.kind!.const as CheckKind);
  const missing = kinds.filter((k) => !(k in OBSERVED));
  const stale = Object.keys(OBSERVED).filter((k) => !kinds.includes(k as CheckKind));
  if (missing.length || stale.length) throw new Error(`ops/docs/qualityTables.ts OBSERVED: ${[missing.length ? `no text for ${missing.join(', ')}` : '', stale.length ? `no longer a kind: ${stale.join(', ')}` : ''].filter(Boolean).join('; ')}`);
  const rows = all.map((variant) => {
    const kind = variant.properties.kind!.const as CheckKind;
    const required = new Set(variant.required ?? []);
    const keys = Object.entries(variant.properties)
      .filter(([name]) => !COMMON_KEYS.has(name))
      .map(([name, property]) => keyText(name, property, required.has(name)));
    const threshold = variant.properties.threshold!;
    const thresholdText = threshold.default !== undefined ? code(JSON.stringify(threshold.default)) : 'required';
    return [code(kind), DIMENSION_OF[kind], keys.join(', ') || '—', thresholdText, OBSERVED[kind]];
  });
  return table(['kind', 'dimension', 'keys', 'threshold default', 'observed (passes when ≤ threshold)'], rows);
}

export function builtinChecksTable(): string {
  const checks = resolveChecks(undefined, DEFAULT_QUALITY_THRESHOLDS);
  return table(
    ['check', 'kind', 'measures', 'threshold', 'severity'],
    checks.map((check) => [code(check.name), code(check.kind), check.target, String(check.threshold), check.severity]),
  );
}
