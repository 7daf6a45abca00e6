/**
 * TEMPORARY, until the engine ingest lands (issue 11 item 2; the lead removes this file then).
 *
 * The transform reads each valid partition as Parquet (work/<date>/<source>/valid-NNNN.parquet:
 * storedContractColumns + business_date String + source_line Int32, money Int64 cents, timestamps
 * DateTime64(3, 'UTC')), the format the engine ingest writes. Today's JavaScript ingest still writes
 * NDJSON (timestamps as epoch milliseconds) at those paths; this converts such a file in place, by
 * the engine, and removes a partition without rows (the engine ingest writes no file for one). A
 * file that is Parquet already is left alone.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Warehouse } from '../../clickhouse/client';
import type { SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';
import { clickhouseTypeOf } from '../load/rawTables';
import { PARQUET_SETTINGS } from '../stage/parquetOutput';
import { structureOf, validColumns } from './transformSql';

export async function convertNdjsonPartitions(warehouse: Warehouse, layout: DataLayout, businessDate: string, source: SourceName, partitions: number): Promise<void> {
  const columns = validColumns(source);
  const jsonStructure = columns.map((c) => `${c.name} ${c.storage === 'timestamp' ? (c.nullable ? 'Nullable(Int64)' : 'Int64') : clickhouseTypeOf(c)}`).join(', ');
  const select = columns.map((c) => (c.storage === 'timestamp' ? `fromUnixTimestamp64Milli(${c.name}, 'UTC') AS ${c.name}` : c.name)).join(', ');
  for (let partition = 0; partition < partitions; partition += 1) {
    const file = layout.validPartition(businessDate, source, partition);
    if (!existsSync(file) || isParquet(file)) continue;
    if (statSync(file).size === 0) {
      rmSync(file);
      continue;
    }
    const temporary = `${file}.partial-${process.pid}`;
    await warehouse.client.command({
      query: `INSERT INTO FUNCTION file({output:String}, Parquet, {structure:String}) SELECT ${select} FROM file({input:String}, JSONEachRow, {json:String})`,
      query_params: { output: temporary, input: file, json: jsonStructure, structure: structureOf(columns) },
      clickhouse_settings: PARQUET_SETTINGS,
    });
    renameSync(temporary, file);
  }
}

function isParquet(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1') === 'PAR1';
}
