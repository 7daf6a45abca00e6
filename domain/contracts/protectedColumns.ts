/**
 * What a personal column becomes after ingest: its plaintext is dropped and replaced by
 *
 *   <column>_encrypted   AES-256-GCM ciphertext with its key id (decryptable by the key holder only)
 *   <column>_token       keyed hash (HMAC-SHA256) of the standard form: e-mail and phone only, for
 *                        joins, deduplication and counting distinct people without the value
 *   <column>_masked      a display form for analysts (m***@example.com, (**) *****-4321, M. S***)
 *
 * Every stage after ingest (work files, staged Parquet, warehouse, backups) sees these columns only.
 * Each is null exactly when the delivered value was empty.
 */
import type { PersonalKind } from './columns';
import type { ColumnSpec } from './index';

export type ProtectedForm = 'encrypted' | 'token' | 'masked';

/** Kinds whose standard form identifies a person well enough to join on. */
export const TOKENISED_KINDS: ReadonlySet<PersonalKind> = new Set<PersonalKind>(['email', 'phone']);

export function protectedName(column: string, form: ProtectedForm): string {
  return `${column}_${form}`;
}

/** The forms a personal column is stored as, in column order. */
export function formsOf(kind: PersonalKind): ProtectedForm[] {
  return TOKENISED_KINDS.has(kind) ? ['encrypted', 'token', 'masked'] : ['encrypted', 'masked'];
}

/** A contract column as stored after ingest: itself, or its protected forms when it is personal. */
export function storedColumnsOf(spec: ColumnSpec): ColumnSpec[] {
  if (!spec.personal) return [spec];
  return formsOf(spec.personal).map((form) => ({
    name: protectedName(spec.name, form),
    storage: 'string',
    nullable: spec.nullable,
    protects: { column: spec.name, kind: spec.personal!, form },
  }));
}
