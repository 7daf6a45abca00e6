/**
 * SQL lives in .sql files. Values travel as ClickHouse query parameters ({name:Type}); table names,
 * which parameters cannot carry in every statement, are `${name}` placeholders filled only with
 * validated identifiers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertIdentifier } from './client';

const cache = new Map<string, string>();

export function readSql(relativePath: string): string {
  const file = path.join(__dirname, relativePath);
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/**
 * Replace `${name}` placeholders with identifiers, or `database.table` names (a cluster's load reads
 * other months through the tables of another database); an unknown or missing placeholder is an error.
 */
export function renderSql(sql: string, identifiers: Record<string, string>): string {
  return sql.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = identifiers[name];
    if (value === undefined) throw new Error(`SQL placeholder \${${name}} has no value`);
    const parts = value.split('.');
    if (parts.length > 2) throw new Error(`SQL placeholder ${name}: "${value}" is neither a name nor database.name`);
    return parts.map((part) => assertIdentifier(part, `SQL placeholder ${name}`)).join('.');
  });
}

/** Split a file of statements, each ending with `;` at the end of a line. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
