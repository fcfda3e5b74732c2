// The AWS SDK is hundreds of modules: importing @lake/storage and working on local or memory
// stores must not load it (every `lake` command on a local table would pay for it at start-up),
// and an S3Store loads it on its first request, not when it is constructed. Checked in a fresh
// Node process, where the module cache shows what was loaded.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const entry = pathToFileURL(resolve(here, '../src/index.ts')).href;

const script = `
import { createRequire } from 'node:module';
const sdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@aws-sdk'));
const { openStore, S3Store, StoreError } = await import(${JSON.stringify(entry)});
const local = await openStore(process.argv[1]);
await local.put('a/b.bin', new Uint8Array([1, 2]));
const read = Array.from(await local.get('a/b.bin'));
const memory = await openStore('memory://lazy-sdk');
await memory.put('x', new Uint8Array([3]));
const constructed = await openStore('s3://lazy-sdk-bucket/t');
const afterLocalAndConstruct = sdkLoaded();
const seen = [];
const store = new S3Store({
  bucket: 'lazy-sdk-bucket',
  region: 'us-east-1',
  credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
  maxAttempts: 1,
  requestHandler: {
    handle: async (request) => {
      seen.push(request.method + ' ' + request.path);
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    },
  },
});
const error = await store.head('k').catch((e) => e);
console.log(JSON.stringify({
  read,
  constructedUri: constructed.uri,
  afterLocalAndConstruct,
  afterRequest: sdkLoaded(),
  seen,
  storeError: error instanceof StoreError,
}));
`;

it('loads the AWS SDK only when an S3Store sends its first request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lake-lazy-sdk-'));
  try {
    const out = execFileSync(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', '--input-type=module', '-e', script, dir], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      read: [1, 2],
      constructedUri: 's3://lazy-sdk-bucket/t',
      afterLocalAndConstruct: false,
      afterRequest: true,
      seen: ['HEAD /k'],
      storeError: true,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
