/**
 * `npm run lock:platforms`: keeps package-lock.json usable by `npm ci` on every platform.
 *
 * chdb ships its engine as per-platform optional packages. The registry this project's machines
 * reach serves only the Linux x64 one, so `npm install` here leaves the others out of the lock file,
 * and `npm ci` then refuses the lock file as out of sync. This adds the missing entries (marked
 * optional, with their os/cpu so npm skips them elsewhere); a test fails when they are missing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

interface LockEntry {
  version: string;
  resolved?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const PLATFORM_PACKAGE = /^@chdb\/lib-(darwin|linux)-(x64|arm64)(-gnu)?$/;

export function missingPlatformEntries(lock: { packages: Record<string, LockEntry> }): Record<string, LockEntry> {
  const chdb = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', 'chdb', 'package.json'), 'utf8')) as {
    optionalDependencies?: Record<string, string>;
  };
  const missing: Record<string, LockEntry> = {};
  for (const [name, version] of Object.entries(chdb.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const match = PLATFORM_PACKAGE.exec(name);
    if (lock.packages[key] || !match) continue;
    const [, os, cpu, gnu] = match;
    const file = name.split('/')[1];
    missing[key] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${file}-${version}.tgz`,
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(gnu ? { libc: ['glibc'] } : {}),
    };
  }
  return missing;
}

if (require.main === module) {
  const lockPath = path.join(REPO_ROOT, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const missing = missingPlatformEntries(lock);
  lock.packages = Object.fromEntries(Object.entries({ ...lock.packages, ...missing }).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(Object.keys(missing).length ? `added ${Object.keys(missing).join(', ')}` : 'package-lock.json already lists every chdb platform package');
}
