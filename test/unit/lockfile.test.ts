import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { missingPlatformEntries } from '../../ops/tools/lockfilePlatforms';

describe('package-lock.json', () => {
  it('lists every chdb platform package, so npm ci accepts it on a fresh clone', () => {
    const lock = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package-lock.json'), 'utf8'));
    const missing = Object.keys(missingPlatformEntries(lock));
    assert.deepEqual(missing, [], 'run `npm run lock:platforms` after npm install');
  });
});
