/**
 * versitygw, a real S3 server for tests (ops/tools/provision.ts builds it): the posix backend on a
 * temporary folder, a free loopback port, and a root access key and secret generated for this run, so
 * every request must be signed with them (a wrong secret gets 403 SignatureDoesNotMatch). stop() ends
 * it and anything it started: it runs in a process group of its own, and the group is killed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../ops/stack/freePort';
import { ensureVersitygw } from '../../ops/tools/provision';
import { tempDir } from './tempDirs';

export interface Versitygw {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The posix backend's folder: a bucket is a folder in it, an object a file. */
  dir: string;
  /** A client with this run's credentials (tests' own checks; the pipeline builds its own). */
  client: S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startVersitygw(startTimeoutMs = 30_000): Promise<Versitygw> {
  const bin = await ensureVersitygw();
  const home = tempDir('versitygw');
  const dir = path.join(home, 'buckets');
  mkdirSync(dir);
  const port = await freePort();
  const accessKeyId = `AK${randomBytes(9).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const region = 'us-east-1';
  const logFile = path.join(home, 'versitygw.log');
  const log = openSync(logFile, 'w');
  // The credentials go through the environment (versitygw's ROOT_* variables), not the command line
  // another user could read in `ps`.
  const child = spawn(bin, ['--port', `127.0.0.1:${port}`, '--region', region, '--quiet', 'posix', dir], {
    stdio: ['ignore', log, log],
    detached: true,
    env: { ...process.env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
  });
  closeSync(log);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (exited === undefined) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await gone;
    }
  };
  process.once('exit', () => {
    if (exited === undefined) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  // Ready when it answers HTTP at all (an unsigned request gets 403: the server is up and checks).
  while (!(await answers(endpoint))) {
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      throw new Error(`versitygw ${exited ? `exited (${exited})` : `did not answer within ${startTimeoutMs} ms`}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    dir,
    client,
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop: async () => {
      client.destroy();
      await stop();
    },
  };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
