// `npx tsx ops/tools/cli.ts`: provision (or reuse) the Temporal tools and print where they are.
// Sequential on purpose, so each reported time is that tool's own; one failure doesn't stop the other.
import { ensureTemporalCli, ensureTestServer, ensureVersitygw } from './provision';
import { ensureClickHouseServerTools } from '../../clickhouse/server/provision';

async function main(): Promise<void> {
  for (const [name, ensure] of [
    ['temporal-cli', ensureTemporalCli],
    ['temporal-test-server', ensureTestServer],
    ['clickhouse-server', ensureClickHouseServerTools],
    ['versitygw', ensureVersitygw],
  ] as const) {
    const start = Date.now();
    const took = () => `${((Date.now() - start) / 1000).toFixed(2)} s`;
    try {
      console.log(`${name}\t${await ensure()}\t${took()}`);
    } catch (err) {
      console.error(`${name}\tFAILED after ${took()}\n${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}

void main();
