/**
 * Which landed days are new to the warehouse: every day whose four files have all landed and where
 * at least one file's sha256 is not in landing_manifest. Oldest first, at most `limit` days.
 * Days still landing (a file missing) are left for a later run. Hashing reads every landed file:
 * fine for months of daily exports; a long history wants landed files moved out after loading.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Warehouse } from '../../clickhouse/client';
import { readSql } from '../../clickhouse/sqlFiles';
import { fileDigest } from '../archive/fileDigest';
import { CONTRACTS, SOURCE_NAMES } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';

export interface LandedFile { name: string; sha256: string; bytes: number }
export interface NewLanding { businessDate: string; files: LandedFile[] }

export async function detectNewLandings(warehouse: Warehouse, layout: DataLayout, limit: number): Promise<NewLanding[]> {
  const root = `${layout.dataDir}/landing`;
  const dates = existsSync(root)
    ? readdirSync(root).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && SOURCE_NAMES.every((s) => existsSync(layout.landingFile(d, s)))).sort()
    : [];
  if (dates.length === 0) return [];
  const result = await warehouse.client.query({ query: readSql('ops/known_landings.sql'), query_params: { dates }, format: 'JSONEachRow' });
  const known = new Set((await result.json<{ day: string; file: string; sha256: string }>()).map((r) => `${r.day}/${r.file}/${r.sha256}`));
  const fresh: NewLanding[] = [];
  for (const businessDate of dates) {
    const files: LandedFile[] = [];
    for (const source of SOURCE_NAMES) {
      const name = CONTRACTS[source].fileName;
      files.push({ name, ...(await fileDigest(layout.landingFile(businessDate, source))) });
    }
    if (files.some((f) => !known.has(`${businessDate}/${f.name}/${f.sha256}`))) fresh.push({ businessDate, files });
    if (fresh.length >= limit) break;
  }
  return fresh;
}
