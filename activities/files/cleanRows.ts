/**
 * The cleaned rows of one source and business date (after validation, deduplication and
 * enrichment), for whoever needs to read them: quality checks, staging. How they are stored
 * between activities is this module's business.
 */
import type { SourceName, TypedRow } from '../contracts';
import type { DataLayout } from './layout';
import { readNdjson } from './ndjson';

export function readCleanRows(layout: DataLayout, businessDate: string, source: SourceName): AsyncIterable<TypedRow> {
  return readNdjson(layout.workFile(businessDate, source, 'clean'));
}
