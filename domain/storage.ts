/**
 * Where landing, staging, quarantine and archive live, and the one place that reads and writes them:
 * each is a local folder (the default, inside the data folder) or an S3 prefix `s3://bucket/prefix`
 * (docs/storage.md). DataLayout (layout.ts) builds every name; a name is a *reference*: an absolute
 * path, or an `s3://bucket/key` URL. This module does what is done to one, whichever it is.
 *
 * Who moves the bytes:
 * - The engine, wherever it can: tableFunction() gives the SQL that reads or writes a reference
 *   (`file(...)` or `s3(...)`), so ClickHouse reads landed CSV and reads and writes staged Parquet
 *   and quarantine files itself. On S3 it signs its requests with the credentials of the server's
 *   named collection S3_ENGINE_COLLECTION: no key or secret is ever part of a statement, so none
 *   reaches system.query_log or an error message.
 * - This process, through @aws-sdk/client-s3, where JavaScript must see the bytes: the ingest's byte
 *   scan of a landed file (UTF-8, header, line breaks), the archive's encryption and digests, the
 *   staged checksum lists, quarantine samples for the quality report, and listings and existence
 *   checks.
 *
 * The S3 credentials live in the worker's configuration only (workers/config.ts). References and
 * error messages name the bucket and key, never a credential.
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { S3_ENGINE_COLLECTION } from '../clickhouse/s3Collection';
import { badInput } from './failures';
import { confine } from './security/confine';
import { writeFileAtomically } from './writeFileAtomically';


export const STORAGE_AREAS = ['landing', 'staging', 'quarantine', 'archive'] as const;
export type StorageArea = (typeof STORAGE_AREAS)[number];

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_URL = /^s3:\/\/([^/]+)(?:\/(.*))?$/;

/** `s3://bucket` or `s3://bucket/prefix` (no trailing slash needed); the message names no value. */
export const s3UrlSchema = z.string().refine((url) => {
  const match = S3_URL.exec(url);
  return !!match && BUCKET.test(match[1]) && !(match[2] ?? '').split('/').some((s) => s === '.' || s === '..');
}, { error: 'must be s3://<bucket>[/<prefix>] with a valid bucket name and no . or .. segments' });

export const s3AccessSchema = z.object({
  /** http(s) URL of the S3 API; absent: AWS's own endpoint of the region. */
  endpoint: z.url().optional(),
  region: z.string().min(1),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
});
export type S3Access = z.infer<typeof s3AccessSchema>;

/** Where each area lives (absent: its folder in the data folder), and how S3 is reached. Never logged: it holds the secret. */
export const storageSettingsSchema = z.object({
  landing: z.string().min(1).optional(),
  staging: z.string().min(1).optional(),
  quarantine: z.string().min(1).optional(),
  archive: z.string().min(1).optional(),
  s3: s3AccessSchema.optional(),
});
export type StorageSettings = z.infer<typeof storageSettingsSchema>;

export function isS3(ref: string): boolean {
  return ref.startsWith('s3://');
}

function parse(ref: string): { bucket: string; key: string } {
  const match = S3_URL.exec(ref);
  if (!match) throw new Error(`${ref} is not an s3:// reference`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** A table function expression and the query parameters it names. */
export interface EngineFile {
  sql: string;
  params: Record<string, string>;
}

export class Storage {
  private client?: S3Client;

  constructor(private readonly s3?: S3Access) {}

  /**
   * `ref` joined with plain names, refused when the result leaves `ref` (run inputs become names).
   * Locally that is confine() (symbolic links included); on S3 a key has no links, only `..`.
   */
  join(ref: string, ...names: string[]): string {
    if (!isS3(ref)) return confine(ref, path.join(ref, ...names));
    const { bucket, key } = parse(ref);
    const base = key.replace(/\/+$/, '');
    const joined = path.posix.normalize([base, ...names].filter(Boolean).join('/'));
    if (names.some((name) => name.split('/').includes('..')) || (base !== '' && !`${joined}/`.startsWith(`${base}/`)) || joined.startsWith('..')) {
      throw badInput(`key ${names.join('/')} leaves s3://${bucket}/${base}; refused`, 'PathOutsideRoot');
    }
    return `s3://${bucket}/${joined}`;
  }

  async exists(ref: string): Promise<boolean> {
    if (!isS3(ref)) return existsSync(ref);
    const { bucket, key } = parse(ref);
    try {
      await this.call(ref, (c) => c.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound' || (error as { name?: string }).name === 'NoSuchKey') return false;
      throw error;
    }
  }

  async size(ref: string): Promise<number> {
    if (!isS3(ref)) return statSync(ref).size;
    const { bucket, key } = parse(ref);
    return (await this.call(ref, (c) => c.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).ContentLength ?? 0;
  }

  /** Names directly inside a folder (files and sub-folders), sorted; [] when it is missing. */
  async list(dirRef: string): Promise<string[]> {
    if (!isS3(dirRef)) return existsSync(dirRef) ? readdirSync(dirRef).sort() : [];
    const { bucket, key } = parse(dirRef);
    const prefix = key === '' ? '' : `${key.replace(/\/+$/, '')}/`;
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.call(dirRef, (c) => c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token })));
      for (const object of page.Contents ?? []) names.add(object.Key!.slice(prefix.length));
      for (const folder of page.CommonPrefixes ?? []) names.add(folder.Prefix!.slice(prefix.length).replace(/\/$/, ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return [...names].filter(Boolean).sort();
  }

  async readStream(ref: string, signal?: AbortSignal): Promise<Readable> {
    if (!isS3(ref)) return createReadStream(ref, { highWaterMark: 1 << 20, signal });
    const { bucket, key } = parse(ref);
    const object = await this.call(ref, (c) => c.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }));
    return object.Body as Readable;
  }

  async readBytes(ref: string, range?: { start: number; end: number }): Promise<Buffer> {
    if (!isS3(ref)) {
      const whole = readFileSync(ref);
      return range ? whole.subarray(range.start, range.end + 1) : whole;
    }
    const { bucket, key } = parse(ref);
    const object = await this.call(ref, (c) => c.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range && `bytes=${range.start}-${range.end}` })));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  /** A whole object at once: atomic on S3 (a PUT), and locally through a temporary name. */
  async write(ref: string, data: string | Uint8Array): Promise<void> {
    if (!isS3(ref)) {
      mkdirSync(path.dirname(ref), { recursive: true });
      writeFileAtomically(ref, data);
      return;
    }
    const { bucket, key } = parse(ref);
    await this.call(ref, (c) => c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data })));
  }

  /** A local file's bytes to `ref` (a file of the worker's own scratch folder published to shared storage). */
  async upload(localFile: string, ref: string): Promise<void> {
    if (!isS3(ref)) {
      mkdirSync(path.dirname(ref), { recursive: true });
      writeFileAtomically(ref, readFileSync(localFile));
      return;
    }
    const { bucket, key } = parse(ref);
    await this.call(ref, (c) => c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(localFile), ContentLength: statSync(localFile).size })));
  }

  async removeObject(ref: string): Promise<void> {
    if (!isS3(ref)) {
      rmSync(ref, { force: true });
      return;
    }
    const { bucket, key } = parse(ref);
    await this.call(ref, (c) => c.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  /** A folder and everything in it. */
  async removeFolder(dirRef: string): Promise<void> {
    if (!isS3(dirRef)) {
      rmSync(dirRef, { recursive: true, force: true });
      return;
    }
    const { bucket, key } = parse(dirRef);
    const prefix = `${key.replace(/\/+$/, '')}/`;
    let token: string | undefined;
    do {
      const page = await this.call(dirRef, (c) => c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })));
      const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
      if (keys.length > 0) await this.call(dirRef, (c) => c.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } })));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * The SQL that reads or writes `ref` in the engine: `file({<param>:String}, <format>[, <structure>])`,
   * or on S3 `s3(cartwheel_s3, url = {<param>:String}, format = '<format>'[, structure = <structure>])`.
   * `structure` is SQL (a literal or a `{name:String}` parameter of the caller's).
   */
  tableFunction(ref: string, param: string, format: string, structure?: string): EngineFile {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(param) || !/^[A-Za-z][A-Za-z0-9]*$/.test(format)) throw new Error(`unexpected table function parameter ${param} or format ${format}`);
    if (!isS3(ref)) return { sql: `file({${param}:String}, ${format}${structure ? `, ${structure}` : ''})`, params: { [param]: ref } };
    return {
      sql: `s3(${S3_ENGINE_COLLECTION}, url = {${param}:String}, format = '${format}'${structure ? `, structure = ${structure}` : ''})`,
      params: { [param]: this.engineUrl(ref) },
    };
  }

  /** Settings an INSERT into tableFunction() needs to replace what an earlier attempt wrote. */
  static truncateOnInsert(ref: string): Record<string, number> {
    return isS3(ref) ? { s3_truncate_on_insert: 1 } : { engine_file_truncate_on_insert: 1 };
  }

  /** The object's HTTP URL as the engine reaches it (path style: versitygw and most S3 stores serve it). */
  private engineUrl(ref: string): string {
    const { bucket, key } = parse(ref);
    const endpoint = (this.s3?.endpoint ?? `https://s3.${this.access(ref).region}.amazonaws.com`).replace(/\/+$/, '');
    return `${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private access(ref: string): S3Access {
    if (!this.s3) throw badInput(`${ref}: no S3 access is configured (CARTWHEEL_S3_ACCESS_KEY_ID, CARTWHEEL_S3_SECRET_ACCESS_KEY)`, 'StorageNotConfigured');
    return this.s3;
  }

  private async call<T>(ref: string, request: (client: S3Client) => Promise<T>): Promise<T> {
    if (!this.client) {
      const access = this.access(ref);
      this.client = new S3Client({
        endpoint: access.endpoint,
        region: access.region,
        forcePathStyle: access.endpoint !== undefined,
        credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
      });
    }
    try {
      return await request(this.client);
    } catch (error) {
      throw storageFailure(ref, error);
    }
  }
}

/** Failures that retrying does not fix name the bucket and the cause (never a credential). */
const REFUSALS: Record<string, string> = {
  SignatureDoesNotMatch: 'the S3 store refused the request signature: the secret key does not match the access key (CARTWHEEL_S3_SECRET_ACCESS_KEY)',
  InvalidAccessKeyId: 'the S3 store does not know the access key (CARTWHEEL_S3_ACCESS_KEY_ID)',
  AccessDenied: 'the S3 store denied access with the configured credentials',
  NoSuchBucket: 'the bucket does not exist',
};

function storageFailure(ref: string, error: unknown): unknown {
  if (!(error instanceof S3ServiceException)) return error;
  const { bucket } = parse(ref);
  const cause = REFUSALS[error.name];
  if (cause) return badInput(`${ref}: bucket ${bucket}: ${cause} (${error.name})`, 'StorageRefused');
  if (error.name === 'NotFound' || error.name === 'NoSuchKey') return error;
  // A HEAD has no body to name the cause: 403 is all it says.
  if (error.$metadata.httpStatusCode === 403) {
    return badInput(`${ref}: bucket ${bucket}: the S3 store refused the configured credentials (HTTP 403): check CARTWHEEL_S3_ACCESS_KEY_ID and CARTWHEEL_S3_SECRET_ACCESS_KEY`, 'StorageRefused');
  }
  return new Error(`${ref}: bucket ${bucket}: the S3 store answered ${error.$metadata.httpStatusCode ?? '?'} ${error.name}`);
}
