/**
 * Reads a quality configuration file (YAML, or JSON, which is YAML too) and validates it; errors
 * name the file and the offending setting, e.g. `quality.yaml: sources.orders.2.column: ...`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { qualityConfigSchema, type QualityConfig } from './quality';

export function loadQualityConfig(file: string): QualityConfig {
  const where = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${where}: cannot read the quality configuration: ${(error as Error).message}`);
  }
  return parseQualityConfig(raw ?? {}, where);
}

export function parseQualityConfig(raw: unknown, where = 'quality configuration'): QualityConfig {
  const parsed = qualityConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new Error(`${where}: invalid quality configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
