import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Remove a test folder without waiting for it: a detached `rm -rf` that outlives this process.
 * Deleting a whole run's files (each test's data folders, the chDB server's data) took 30 s on an
 * idle machine and minutes on a loaded one, all of it after the last test had reported.
 */
export function removeInBackground(dir: string): void {
  spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' }).unref();
}

const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) removeInBackground(dir);
});

/** Set by test/helpers/sharedServers.ts for the whole run (it removes the folder at the end). */
export const SHARED_TEMP_ROOT_ENV = 'CARTWHEEL_TEST_TEMP_ROOT';

let root: string | undefined;

/**
 * The one folder every tempDir() of this process lives in: the test ClickHouse server's
 * user_files_path (test/helpers/warehouse.ts), so test data folders are files it may read and write.
 * Under `npm test` it is the run's folder, shared by the parallel mocha workers like that server.
 */
export function tempRoot(): string {
  if (!root) {
    root = process.env[SHARED_TEMP_ROOT_ENV] || mkdtempSync(path.join(tmpdir(), 'cartwheel-tests-'));
    if (root !== process.env[SHARED_TEMP_ROOT_ENV]) created.push(root);
  }
  return root;
}

/** A fresh temporary folder, removed when the test process ends. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tempRoot(), `cartwheel-${prefix}-`));
}
