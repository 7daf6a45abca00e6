// `npm test`'s configuration: .mocharc.json (which `npx mocha FILE` reads) plus the whole suite in
// parallel on servers shared per run (test/helpers/sharedServers.ts), the slowest files first.
// Mocha hands files to its two jobs in this order, so a long file started last would run alone at
// the end; started first, the short files fill in beside it.
const { readdirSync } = require('node:fs');
const path = require('node:path');
const base = require('./.mocharc.json');

// Seconds of test time per file in `npm test` on 2026-12-02 at load ~15 (about 2.5 times what an idle
// machine takes; backup's is from a run where it passed). A file missing here just runs later.
const SLOWEST_FIRST = [
  'test/faults/cluster.test.ts', // 255
  'test/faults/chaos.test.ts', // 223
  'test/pipeline/warehouse.test.ts', // 202
  'test/pipeline/changedRows.test.ts', // 188
  'test/workflows/replayChanges.test.ts', // 187
  'test/pipeline/backup.test.ts', // 75, measured at load ~1
  'test/pipeline/qualityHistory.test.ts', // 160
  'test/workflows/replayLoad.test.ts', // 154
  'test/pipeline/qualityChecks.test.ts', // 153
  'test/pipeline/pipeline.test.ts', // 138
  'test/pipeline/changeBatchEngine.test.ts', // 123
  'test/workflows/backfill.test.ts', // 120
  'test/workflows/orchestration.test.ts', // 113
  'test/pipeline/fuzzIngest.test.ts', // 101
  'test/pipeline/corpus.test.ts', // 95
  'test/faults/stackLock.test.ts', // 87
  'test/pipeline/qualityForeignKeys.test.ts', // 83
  'test/pipeline/securityPersonalData.test.ts', // 80
  'test/unit/properties.test.ts', // 80
  'test/pipeline/runAccounts.test.ts', // 76
];

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(file);
    return entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

const all = testFiles('test').sort();
const slowest = SLOWEST_FIRST.filter((file) => all.includes(file));

module.exports = {
  ...base,
  require: [...base.require, 'test/helpers/sharedServers.ts'],
  parallel: true,
  jobs: 2,
  spec: [...slowest, ...all.filter((file) => !slowest.includes(file))],
};
