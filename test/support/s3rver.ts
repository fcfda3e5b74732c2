// A real S3-protocol server (s3rver) in a child process on a loopback port, for tests of code
// that talks to S3. In a test file: `const s3 = withS3rver();` then `s3.makeStore()` in tests.
// Patched to list and delete as S3 does (see s3rver-patches.cjs).

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

import { S3Store, type S3StoreOptions } from '@lake/storage';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const S3RVER_REGION = 'us-east-1';
/** The bucket every server creates unless told otherwise. */
export const S3RVER_BUCKET = 'lake-test';

export interface S3rverOptions {
  /** Buckets to create (names of 3+ characters); the first is the default. Default ['lake-test']. */
  buckets?: string[];
}

export interface S3rver {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** The default bucket. */
  readonly bucket: string;
  readonly buckets: readonly string[];
  /**
   * Options for an S3Store on this server. Without a prefix, a fresh random one, so each store
   * starts empty.
   */
  storeOptions(prefix?: string, overrides?: Partial<S3StoreOptions>): S3StoreOptions;
  /** An S3Store on this server (closed by stop()). */
  makeStore(prefix?: string, overrides?: Partial<S3StoreOptions>): S3Store;
  /** s3://<bucket>/<prefix> for code that opens stores from URIs (pass storeOptions() too). */
  uri(prefix: string, bucket?: string): string;
  /** Kills the server and deletes its data. */
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./s3rver-main.cjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;

export async function startS3rver(options: S3rverOptions = {}): Promise<S3rver> {
  const buckets = options.buckets ?? [S3RVER_BUCKET];
  if (buckets.length === 0 || buckets.some((b) => b.length < 3)) {
    throw new Error(`s3rver bucket names need 3+ characters, got ${JSON.stringify(buckets)}`);
  }
  const directory = await mkdtemp(join(tmpdir(), 'lake-s3rver-'));
  const child = spawn(process.execPath, [SCRIPT, directory, ...buckets], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // s3rver encrypts LIST continuation tokens with DES, which OpenSSL 3 only offers as legacy.
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${START_TIMEOUT_MS} ms. ${err}`)), START_TIMEOUT_MS);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with code ${String(code)} before listening. ${err}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  const endpoint = `http://127.0.0.1:${port}`;
  const stores: S3Store[] = [];
  const storeOptions = (prefix?: string, overrides: Partial<S3StoreOptions> = {}): S3StoreOptions => ({
    bucket: buckets[0],
    prefix: prefix ?? `t-${randomUUID()}`,
    endpoint,
    region: S3RVER_REGION,
    forcePathStyle: true,
    credentials: { ...S3RVER_CREDENTIALS },
    ...overrides,
  });
  let stopped = false;

  return {
    endpoint,
    bucket: buckets[0],
    buckets,
    storeOptions,
    makeStore(prefix, overrides) {
      const store = new S3Store(storeOptions(prefix, overrides));
      stores.push(store);
      return store;
    },
    uri(prefix, bucket = buckets[0]) {
      return `s3://${bucket}/${prefix}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const store of stores) store.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Starts one server for the enclosing test file (or describe block) in beforeAll and stops it in
 * afterAll. The returned object may be used only inside tests and hooks.
 */
export function withS3rver(options: S3rverOptions = {}): S3rver {
  let server: S3rver | undefined;
  beforeAll(async () => {
    server = await startS3rver(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = (): S3rver => {
    if (!server) throw new Error('s3rver is not running: use it inside a test or hook, after beforeAll has run.');
    return server;
  };
  return {
    get endpoint() {
      return running().endpoint;
    },
    get bucket() {
      return running().bucket;
    },
    get buckets() {
      return running().buckets;
    },
    storeOptions: (prefix, overrides) => running().storeOptions(prefix, overrides),
    makeStore: (prefix, overrides) => running().makeStore(prefix, overrides),
    uri: (prefix, bucket) => running().uri(prefix, bucket),
    stop: () => running().stop(),
  };
}
