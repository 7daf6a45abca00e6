// `npm test`'s configuration: .mocharc.json (which `npx mocha FILE` reads) plus the whole suite in
// parallel on servers shared per run (test/helpers/sharedServers.ts), the slowest files first.
// Mocha hands files to its two jobs in this order, so a long file started last would run alone at
// the end; started first, the short files fill in beside it.
const { readdirSync } = require('node:fs');
const path = require('node:path');
const base = require('./.mocharc.json');

// Measured with `npm test` (seconds, on the idle machine); a file missing here just runs later.
const SLOWEST_FIRST = [
  'test/faults/chaos.test.ts', // 93
  'test/pipeline/warehouse.test.ts', // 92
  'test/pipeline/backup.test.ts', // 75
  'test/pipeline/changedRows.test.ts', // 72
  'test/pipeline/qualityChecks.test.ts', // 59
  'test/faults/stackLock.test.ts', // 57
  'test/pipeline/qualityHistory.test.ts', // 51
  'test/workflows/replayChanges.test.ts', // 49
  'test/workflows/backfill.test.ts', // 45
  'test/server/server.test.ts', // 41
  'test/unit/properties.test.ts', // 39
  'test/workflows/schedules.test.ts', // 37
  'test/pipeline/pipeline.test.ts', // 37
  'test/pipeline/qualityForeignKeys.test.ts', // 37
  'test/pipeline/runAccounts.test.ts', // 35
  'test/pipeline/fuzzIngest.test.ts', // 33
  'test/workflows/replayLoad.test.ts', // 32
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
