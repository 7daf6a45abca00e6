/**
 * Passwords of the chDB server's users, generated once per installation and kept in one file,
 * mode 0600, beside the server's data (`<data folder>/clickhouse/credentials.json`). They are
 * never printed or logged; `npm run sql -- --credentials` prints them on request.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const credentialsSchema = z.object({
  admin: z.string().min(16),
  loader: z.string().min(16),
  analyst: z.string().min(16),
});

export type ServerCredentials = z.infer<typeof credentialsSchema>;
export type ServerUser = keyof ServerCredentials;

const newPassword = () => randomBytes(24).toString('base64url');

export function credentialsFile(home: string): string {
  return path.join(home, 'credentials.json');
}

/** The installation's passwords: read, or created (0600, written then renamed) on first use. */
export function loadOrCreateCredentials(home: string): ServerCredentials {
  const file = credentialsFile(home);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const parsed = credentialsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not a valid credentials file; delete it to generate new passwords`);
    return parsed.data;
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const credentials: ServerCredentials = { admin: newPassword(), loader: newPassword(), analyst: newPassword() };
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return credentials;
}
