/**
 * Which files a change batch folder holds. A batch carries orders.csv and/or payments.csv; any other
 * CSV in it is refused by name (customers and products change through their daily exports), so a
 * misplaced file is never silently ignored. Other names (a temporary `*.csv.partial` of a file still
 * being written) are not files of the batch yet.
 */
import { existsSync, readdirSync } from 'node:fs';
import { CONTRACTS } from '../../domain/contracts';
import { CHANGE_SOURCES, type ChangeSource } from '../../domain/contracts/changes';
import { badInput } from '../../domain/failures';
import type { DataLayout } from '../../domain/layout';

export interface LandedChangeFile {
  source: ChangeSource;
  name: string;
  path: string;
}

const FILE_NAMES = new Map<string, ChangeSource>(CHANGE_SOURCES.map((source) => [CONTRACTS[source].fileName, source]));

/** Every `*.csv` in the batch's landing folder, by name (for hashing: a refused file is still content). */
export function csvFilesOfBatch(layout: DataLayout, batchId: string): string[] {
  const dir = layout.changeBatchDir(batchId);
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.csv')).sort() : [];
}

/** The batch's change files; a CSV that is not one fails non-retryably, naming it. */
export function landedChangeFiles(layout: DataLayout, batchId: string): LandedChangeFile[] {
  const names = csvFilesOfBatch(layout, batchId);
  const unknown = names.filter((name) => !FILE_NAMES.has(name));
  if (unknown.length > 0) {
    throw badInput(
      `${layout.changeBatchDir(batchId)}: ${unknown.join(', ')} cannot be part of a change batch; a batch carries ${[...FILE_NAMES.keys()].join(' and/or ')} ` +
        '(customers and products change through their daily exports). Move the file out and the batch is tried again.',
      'UnknownChangeFile',
    );
  }
  if (names.length === 0) throw badInput(`${layout.changeBatchDir(batchId)}: no ${[...FILE_NAMES.keys()].join(' or ')} in the change batch`, 'EmptyChangeBatch');
  return names.map((name) => ({ source: FILE_NAMES.get(name)!, name, path: layout.changeBatchFile(batchId, FILE_NAMES.get(name)!) }));
}
