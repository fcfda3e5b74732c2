// An S3-protocol server (s3rver, the one the tests use) in a child process on a loopback port,
// for scenarios that measure what object-store latency costs.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { S3Store } from '@lake/storage';

const SCRIPT = fileURLToPath(new URL('../../test/support/s3rver-main.cjs', import.meta.url));
const BUCKET = 'lake-bench';

export interface BenchS3 {
  store(prefix: string): S3Store;
  stop(): Promise<void>;
}

export async function startS3rver(): Promise<BenchS3> {
  const directory = await mkdtemp(join(tmpdir(), 'lake-bench-s3rver-'));
  // s3rver encrypts LIST continuation tokens with DES, which OpenSSL 3 only offers as legacy.
  const child = spawn(process.execPath, [SCRIPT, directory, BUCKET], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' } });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${String(code)} before listening`)));
  });
  const stores: S3Store[] = [];
  return {
    store(prefix) {
      const s = new S3Store({
        bucket: BUCKET,
        prefix,
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      stores.push(s);
      return s;
    },
    async stop() {
      for (const s of stores) s.destroy();
      child.kill('SIGTERM');
      await rm(directory, { recursive: true, force: true });
    },
  };
}
