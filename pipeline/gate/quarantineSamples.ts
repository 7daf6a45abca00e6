/**
 * The first rows of a quarantine file as failing-row samples: the file people fix rows in states
 * file, line, column, value and reason for every rejected row. Ingest already masks a personal
 * `_value`; it is masked again here, so a quarantine file written otherwise cannot leak into a report.
 */
import Papa from 'papaparse';
import { Storage } from '../../domain/storage';
import { CONTRACTS, personalColumns, type SourceName } from '../../domain/contracts';
import { samplePersonalValue, type FailingSample } from './samples';

/** `storage`: where `file` is read from (a local path by default, or an s3:// reference). */
export async function quarantineSamples(file: string, source: SourceName, limit: number, storage = new Storage()): Promise<FailingSample[]> {
  if (limit === 0 || !(await storage.exists(file))) return [];
  const key = CONTRACTS[source].key;
  const personal = new Map(personalColumns(source).map((c) => [c.name, c.personal!]));
  const shown = (column: string, value: string) => (personal.has(column) ? samplePersonalValue(personal.get(column)!, value) : value);
  const samples: FailingSample[] = [];
  const stream = (await storage.readStream(file)).setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    Papa.parse<Record<string, string>>(stream, {
      header: true,
      skipEmptyLines: true,
      step: (result, parser) => {
        const row = result.data;
        samples.push({
          file: row._file ?? file,
          line: Number(row._line),
          key: key.map((c) => `${c}=${row[c] ?? ''}`).join(', '),
          value: row._column ? `${row._column}=${shown(row._column, row._value ?? '')}` : '',
          reason: row._reason,
        });
        if (samples.length >= limit) parser.abort();
      },
      complete: () => resolve(),
      error: (error: Error) => reject(new Error(`cannot read quarantine file ${file}: ${error.message}`)),
    });
  });
  stream.destroy();
  return samples;
}
