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
 * A table of another database, spliced as `database.table` (a cluster's load reads other months
 * through the Distributed tables of another database). Made by code only: a string value is always
 * one identifier, so `db.table` arriving as text is refused like any other non-identifier.
 */
export class QualifiedTable {
  readonly database: string;
  readonly table: string;
  constructor(database: string, table: string) {
    this.database = assertIdentifier(database, 'database');
    this.table = assertIdentifier(table, 'table');
  }
}

/** Replace `${name}` placeholders with identifiers or QualifiedTables; an unknown or missing placeholder is an error. */
export function renderSql(sql: string, identifiers: Record<string, string | QualifiedTable>): string {
  return sql.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = identifiers[name];
    if (value === undefined) throw new Error(`SQL placeholder \${${name}} has no value`);
    if (value instanceof QualifiedTable) return `${value.database}.${value.table}`;
    return assertIdentifier(value, `SQL placeholder ${name}`);
  });
}

/** Split a file of statements, each ending with `;` at the end of a line. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
