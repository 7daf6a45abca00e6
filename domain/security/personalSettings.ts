/**
 * Pipeline settings that would need personal data in plaintext after ingest are refused: personal
 * columns are encrypted as soon as a row is valid, so the transform cannot deduplicate on them, fill
 * them or copy them. Checked when the activities are created (the worker fails at start, naming the
 * setting) and again by the transform itself.
 */
import { personalColumns, SOURCE_NAMES, type SourceName } from '../contracts';
import { badInput } from '../failures';
import type { SourcesSettings, SourceSettings } from '../settings/sources';

export function personalSettingsProblems(source: SourceName, settings: SourceSettings): string[] {
  const personal = new Set(personalColumns(source).map((c) => c.name));
  const why = 'is personal data, encrypted at ingest';
  const problems: string[] = [];
  for (const column of settings.dedupKey ?? []) {
    if (personal.has(column)) problems.push(`sources.${source}.dedupKey: ${column} ${why}; deduplicate on columns that are not personal`);
  }
  if (settings.latestBy && personal.has(settings.latestBy)) problems.push(`sources.${source}.latestBy: ${settings.latestBy} ${why}`);
  for (const [column, strategy] of Object.entries(settings.nullStrategies)) {
    if (personal.has(column)) problems.push(`sources.${source}.nullStrategies.${column}: ${column} ${why}; an empty value stays null`);
    if (strategy.strategy === 'fill_from_column' && personal.has(strategy.column)) {
      problems.push(`sources.${source}.nullStrategies.${column}.column: ${strategy.column} ${why} and cannot be copied`);
    }
  }
  return problems;
}

/** Fails (non-retryably, naming every setting) when any source's settings touch personal columns. */
export function assertPersonalSettings(sources: Partial<SourcesSettings>): void {
  const problems = SOURCE_NAMES.flatMap((source) => (sources[source] ? personalSettingsProblems(source, sources[source]!) : []));
  if (problems.length > 0) throw badInput(`invalid settings:\n  ${problems.join('\n  ')}`, 'InvalidSettings');
}
