/**
 * Replaces the personal columns of a validated row by their protected forms (ciphertext, token,
 * masked display value; see contracts/protectedColumns.ts), and gives the plaintext back to code
 * that holds the keys and must reproduce a row as delivered (a rules-quarantine file a person fixes).
 * Ingest calls protect() on every valid row before it is written anywhere, so no later stage holds
 * plaintext personal data.
 */
import { CONTRACTS, personalColumns, type ColumnSpec, type SourceName, type TypedRow } from '../contracts';
import type { PersonalKind } from '../contracts/columns';
import { formsOf, protectedName } from '../contracts/protectedColumns';
import { maskPersonal } from './masking';
import { PersonalCipher } from './personalCipher';
import { personalKeysOf, type PersonalDataKeys, type TransferableKeys } from './personalDataKeys';
import { PersonalTokens, type TokenKind } from './personalTokens';

interface PersonalColumn {
  name: string;
  kind: PersonalKind;
  encrypted: string;
  token?: string;
  masked: string;
}

export class PersonalDataProtector {
  private readonly columns: PersonalColumn[];
  private readonly byName: Map<string, PersonalColumn>;
  private readonly rowKey: readonly string[];
  private readonly cipher: PersonalCipher;
  private readonly tokens: PersonalTokens;

  constructor(readonly source: SourceName, keys: PersonalDataKeys) {
    this.columns = personalColumns(source).map(describe);
    this.byName = new Map(this.columns.map((c) => [c.name, c]));
    // The contract's key, not the configurable dedup key: what a ciphertext is bound to must not move.
    this.rowKey = CONTRACTS[source].key;
    this.cipher = new PersonalCipher(keys.cipher);
    this.tokens = new PersonalTokens(keys.token);
  }

  /** True when the source has personal columns at all (only then is there work per row). */
  get active(): boolean {
    return this.columns.length > 0;
  }

  isPersonal(column: string): boolean {
    return this.byName.has(column);
  }

  /** In place: each personal column's value becomes its protected forms, and the plaintext is gone. */
  protect(row: TypedRow): void {
    if (this.columns.length === 0) return;
    const rowKey = this.keyOf(row);
    for (const column of this.columns) {
      const value = row[column.name];
      delete row[column.name];
      if (value === null || value === undefined || value === '') {
        row[column.encrypted] = null;
        if (column.token) row[column.token] = null;
        row[column.masked] = null;
        continue;
      }
      const text = String(value);
      row[column.encrypted] = this.cipher.encrypt(text, { column: column.name, rowKey });
      if (column.token) row[column.token] = this.tokens.token(column.kind as TokenKind, text);
      row[column.masked] = maskPersonal(column.kind, text);
    }
  }

  /** The delivered (standardised) value of a personal column of a protected row; null when empty. */
  reveal(row: TypedRow, column: string): string | null {
    const personal = this.byName.get(column);
    if (!personal) throw new Error(`${this.source}.${column} is not a personal column`);
    const stored = row[personal.encrypted];
    return stored === null || stored === undefined ? null : this.cipher.decrypt(String(stored), { column, rowKey: this.keyOf(row) });
  }

  /** A value of a personal column as it may be shown (quarantine `_value`, samples); others unchanged. */
  displayValue(column: string, value: string): string {
    const personal = this.byName.get(column);
    return personal && value !== '' ? maskPersonal(personal.kind, value) : value;
  }

  private keyOf(row: TypedRow): string {
    return this.rowKey.map((c) => String(row[c])).join('\u0000');
  }
}

function describe(spec: ColumnSpec): PersonalColumn {
  const kind = spec.personal!;
  const forms = formsOf(kind);
  return {
    name: spec.name,
    kind,
    encrypted: protectedName(spec.name, 'encrypted'),
    token: forms.includes('token') ? protectedName(spec.name, 'token') : undefined,
    masked: protectedName(spec.name, 'masked'),
  };
}

/** The protector of a source with the keys a job was given (see personalKeysOf). */
export function protectorFor(source: SourceName, keys: TransferableKeys | undefined): PersonalDataProtector {
  return new PersonalDataProtector(source, personalKeysOf(keys));
}
