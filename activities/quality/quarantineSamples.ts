/**
 * The first rows of a quarantine file as failing-row samples: the file people fix rows in states
 * file, line, column, value and reason for every rejected row. Ingest already masks a personal
 * `_value`; it is masked again here, so a quarantine file written otherwise cannot leak into a report.
 */
import { createReadStream, existsSync } from 'node:fs';
import Papa from 'papaparse';
import { CONTRACTS, personalColumns, type SourceName } from '../contracts';
import { samplePersonalValue, type FailingSample } from './samples';

export async function quarantineSamples(file: string, source: SourceName, limit: number): Promise<FailingSample[]> {
  if (limit === 0 || !existsSync(file)) return [];
  const key = CONTRACTS[source].key;
  const personal = new Map(personalColumns(source).map((c) => [c.name, c.personal!]));
  const shown = (column: string, value: string) => (personal.has(column) ? samplePersonalValue(personal.get(column)!, value) : value);
  const samples: FailingSample[] = [];
  const stream = createReadStream(file, { encoding: 'utf8' });
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
