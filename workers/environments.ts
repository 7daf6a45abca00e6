/**
 * Environment-specific pipeline settings: workers/environments/<CARTWHEEL_ENV>.json (dev, test or
 * prod), validated with zod. Errors name the file and the setting, e.g.
 * `workers/environments/prod.json: sources.orders.nullStrategies.order_city: no column ...`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sourcesSettingsSchema } from '../domain/settings/sources';
import { DEFAULT_PARTITION_BYTES } from '../domain/settings/index';

export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export const environmentFileSchema = z.strictObject({
  partitionBytes: z.number().int().min(1 << 16).default(DEFAULT_PARTITION_BYTES),
  sources: sourcesSettingsSchema.prefault({}),
});

export type EnvironmentSettings = z.infer<typeof environmentFileSchema>;

export function environmentFile(name: EnvironmentName): string {
  return path.join(__dirname, 'environments', `${name}.json`);
}

export function loadEnvironment(name: EnvironmentName, file = environmentFile(name)): EnvironmentSettings {
  const where = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${where}: cannot read the ${name} environment settings: ${(error as Error).message}`);
  }
  const parsed = environmentFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new Error(`${where}: invalid settings:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
