/**
 * Named analytics queries: clickhouse/queries/<name>.sql, each opening with `-- ` comment lines that
 * say what it answers. Run with `npm run --silent sql -- --query <name>`; measured by npm run bench.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const QUERIES_DIR = path.join(__dirname, 'queries');
const NAME = /^[a-z][a-z0-9_]*$/;

export interface NamedQuery {
  name: string;
  /** The opening comment, one line. */
  description: string;
  sql: string;
}

export function listNamedQueries(): NamedQuery[] {
  return readdirSync(QUERIES_DIR)
    .filter((file) => file.endsWith('.sql') && NAME.test(file.slice(0, -4)))
    .sort()
    .map((file) => namedQuery(file.slice(0, -4)));
}

export function namedQuery(name: string): NamedQuery {
  if (!NAME.test(name)) throw new Error(`"${name}" is not a query name (lowercase letters, digits, _)`);
  let sql: string;
  try {
    sql = readFileSync(path.join(QUERIES_DIR, `${name}.sql`), 'utf8');
  } catch {
    const known = readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4));
    throw new Error(`no named query "${name}"; known: ${known.join(', ')}`);
  }
  const description = [...sql.matchAll(/^--\s?(.*)$/gm)]
    .map((m) => m[1].trim())
    .filter((line) => line.length > 0)
    .slice(0, 1)
    .join(' ');
  // A trailing `;` would make ClickHouse's HTTP interface see two statements.
  return { name, description, sql: sql.trim().replace(/;\s*$/, '') };
}
