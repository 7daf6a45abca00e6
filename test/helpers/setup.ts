/**
 * Loaded by mocha before any test (see .mocharc.json): the Temporal runtime logs errors only, so
 * test output shows test results, and the embedded engine runs in UTC like in production.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { closeTestWarehouse } from './warehouse';

process.env.TZ = 'UTC';
// Tests fail activities on purpose; the SDK logs each failure as a warning. Errors still show.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
});

/** Root hooks (mocha loads them from this required file): the shared embedded warehouse is closed after the last test. */
export const mochaHooks = {
  async afterAll() {
    await closeTestWarehouse();
  },
};
