/**
 * The ingestion fuzz (test/pipeline/fuzzIngest.test.ts, fast-check) run as its own mocha process: the number
 * of cases it tried, or an error when any case failed (a crash or broken conservation is a lost row).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function runIngestFuzz(runsPerProperty: number): Promise<number> {
  const mocha = path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const args = [mocha, '--no-config', '--require', 'tsx/cjs', '--require', 'test/helpers/setup.ts', '--timeout', '0', '--exit', 'test/pipeline/fuzzIngest.test.ts'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, TZ: 'UTC', CARTWHEEL_FUZZ_RUNS: String(runsPerProperty) }, maxBuffer: 16 << 20 }, (error, stdout) => {
      const cases = /fuzz_cases=(\d+)/.exec(stdout);
      if (error || !cases) reject(new Error(`the ingestion fuzz failed:\n${stdout.split('\n').slice(-30).join('\n')}`));
      else resolve(Number(cases[1]));
    });
  });
}
