/**
 * Loaded by mocha (`--require`, see .mocharc.json and the fuzz script) so that stopping a long test
 * command stops mocha: `npm run fuzz` or `npm test` killed by its pid passes SIGTERM on, but the
 * Temporal Runtime (test/helpers/setup.ts) takes SIGINT and SIGTERM to shut its workers down and the
 * process ran on; and npm killed with SIGKILL leaves mocha re-parented. Either way mocha now ends.
 */
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`mocha: ${signal}, stopping`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent) {
    console.error(`mocha: the process that started it (pid ${parent}) is gone; stopping`);
    process.exit(143);
  }
}, 1000);
watch.unref();
