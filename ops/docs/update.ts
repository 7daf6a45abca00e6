/**
 * Regenerates the tables of docs/ that come from the code (ops/docs/generatedBlocks.ts).
 *
 *   npx tsx ops/docs/update.ts           rewrite the stale blocks
 *   npx tsx ops/docs/update.ts --check   only say which are stale (exit 1), as test/unit/docs.test.ts does
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../workers/config';
import { regeneratePages } from './generatedBlocks';

const check = process.argv.includes('--check');
let stale = 0;
for (const update of regeneratePages()) {
  if (update.stale.length === 0) continue;
  stale += update.stale.length;
  console.log(`${update.page}: ${update.stale.join(', ')} ${check ? 'differ from the code' : 'regenerated'}`);
  if (!check) writeFileSync(path.join(REPO_ROOT, update.page), update.generated);
}
if (stale === 0) console.log('docs: every generated block matches the code');
process.exitCode = check && stale > 0 ? 1 : 0;
