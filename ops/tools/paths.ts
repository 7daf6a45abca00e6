// Where provisioned developer tools live. `.tools/` is git-ignored: it is a cache that
// ops/tools/provision.ts can always rebuild, never something to commit.
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_DIR = path.join(REPO_ROOT, '.tools');

/** Temporal CLI (dev server + embedded Web UI); v1.6+ can no longer be `go install`ed. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_BIN = path.join(TOOLS_DIR, 'bin', 'temporal');

/** Java time-skipping test server: the pom pins the version, the wrapper execs java. */
export const TEST_SERVER_POM = path.join(REPO_ROOT, 'ops', 'tools', 'temporal-test-server.pom.xml');
export const TEST_SERVER_DIR = path.join(TOOLS_DIR, 'temporal-test-server');
export const TEST_SERVER_BIN = path.join(TEST_SERVER_DIR, 'temporal-test-server');

/**
 * versitygw, the S3 gateway the tests (and `npm run cluster`) use as object storage: Apache-2.0,
 * plain files on disk behind the S3 API (docs/storage.md). Built from source with `go install`.
 */
export const VERSITYGW_VERSION = '1.8.0';
export const VERSITYGW_BIN = path.join(TOOLS_DIR, 'bin', 'versitygw');
