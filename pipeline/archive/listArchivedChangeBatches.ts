/**
 * The archived change batches a replay re-applies after its days, oldest first: every batch with a
 * manifest whose export date is on or after `since` (an earlier batch could only change days loaded
 * before it, which lie before the replayed range) and whose id sorts after `after` (the last batch
 * an earlier run of the replay applied). At most `limit` ids, so results stay small.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DataLayout } from '../../domain/layout';
import { batchDateOf, batchIdProblem } from '../land/batchId';
import { changeArchiveRoot } from './changeArchiveLayout';

export interface ArchivedChangeBatchesInput {
  since: string;
  /** Exclusive; '' for the first run. */
  after: string;
  limit: number;
}

export interface ArchivedChangeBatches {
  batchIds: string[];
  /** Archived batches left to apply, for progress. */
  total: number;
}

export function listArchivedChangeBatches(layout: DataLayout, { since, after, limit }: ArchivedChangeBatchesInput): ArchivedChangeBatches {
  const root = changeArchiveRoot(layout);
  const all = existsSync(root)
    ? readdirSync(root)
        .filter((id) => batchIdProblem(id) === undefined && batchDateOf(id) >= since && id > after && existsSync(path.join(root, id, 'manifest.json')))
        .sort()
    : [];
  return { batchIds: all.slice(0, limit), total: all.length };
}
