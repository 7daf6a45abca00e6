/**
 * The archived business dates in a range, oldest first: what a replay rebuilds. Only days with a
 * manifest count (a day whose archiving was cut short has none). At most `limit` dates are returned,
 * so a replay of years keeps each activity result, and so its history, small.
 */
import type { DataLayout } from '../../domain/layout';
import { manifestFile } from './archiveLayout';

export interface ArchivedDatesInput {
  from: string;
  to: string;
  limit: number;
}

export interface ArchivedDates {
  dates: string[];
  /** Archived dates in the whole range, for progress. */
  total: number;
}

export async function listArchivedDates(layout: DataLayout, { from, to, limit }: ArchivedDatesInput): Promise<ArchivedDates> {
  const candidates = (await layout.storage.list(layout.roots.archive)).filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name) && name >= from && name <= to);
  const all: string[] = [];
  for (const name of candidates) if (await layout.storage.exists(manifestFile(layout, name))) all.push(name);
  return { dates: all.slice(0, limit), total: all.length };
}
