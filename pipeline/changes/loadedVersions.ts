/**
 * The loaded versions of a change file's keys, as SQL the engine joins with the file's clean rows
 * (changeDecisions.ts): for each key, every business date it was loaded on (a change takes the
 * business date of the row it changes) and the version the fact holds there. The keys come from the
 * clean Parquet parts themselves ({changes:String}), so a batch of any size is one join and no key
 * passes through JavaScript.
 */
import { readSql, renderSql } from '../../clickhouse/sqlFiles';
import type { ChangeSource } from '../../domain/contracts/changes';
import { CHANGE_TARGETS } from './changeTargets';

/** Columns: day String, order_id String, line Int32, updated_ms Nullable(Int64) (NULL: a daily export's row), batch String. */
export function loadedVersionsSql(source: ChangeSource): string {
  const { fact, line } = CHANGE_TARGETS[source];
  return renderSql(readSql('ops/loaded_versions.sql'), { fact, line });
}
