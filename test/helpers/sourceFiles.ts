/** Land hand-written source files and run ingest + transform on them, outside Temporal. */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { SourceName } from '../../domain/contracts';
import { readParquetParts } from '../../pipeline/files/cleanRows';
import { DataLayout } from '../../domain/layout';
import { ingestSource } from '../../pipeline/read/ingestSource';
import { DEFAULT_SOURCES_SETTINGS, type SourceSettings } from '../../domain/settings/sources';
import { transformSource } from '../../pipeline/clean/transformSource';
import { tempDir } from './tempDirs';
import { testWarehouse } from './warehouse';

export const DATE = '2024-03-10';

export function land(source: SourceName, content: string | Buffer): DataLayout {
  const layout = new DataLayout(tempDir('corpus'));
  mkdirSync(layout.landingDir(DATE), { recursive: true });
  writeFileSync(layout.landingFile(DATE, source), content);
  return layout;
}

export async function ingestAndTransform(layout: DataLayout, source: SourceName, settings: Partial<SourceSettings> = {}) {
  const sourceSettings = { ...DEFAULT_SOURCES_SETTINGS[source], ...settings };
  const warehouse = await testWarehouse();
  const ingested = await ingestSource(warehouse, layout, { contract: sourceSettings, partitionBytes: 1 << 16 }, { businessDate: DATE, source });
  const transformed = await transformSource(warehouse, layout, { settings: sourceSettings }, { businessDate: DATE, source, partitions: ingested.partitions });
  const rows = [];
  for await (const row of readParquetParts(transformed.cleanDir)) rows.push(row);
  return { ingested, transformed, rows };
}

export const id = (c: string) => c.repeat(32);
