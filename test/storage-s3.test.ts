// S3Store against a real S3-protocol server (s3rver): paginated listings, multipart uploads,
// the conditional-create probe, and configuration from the environment.

import { describe, expect, it, vi } from 'vitest';

import { openStore, S3Store, StoreError, type S3HttpRequest, type S3RequestHandler } from '@lake/storage';
import { withS3rver } from './support/s3rver.js';
import { pseudoRandomBytes } from './support/store-contract.js';

const s3 = withS3rver();
const MiB = 1024 * 1024;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function mapConcurrent<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (next < items.length) await fn(items[next++]); }));
}

/** Wraps the SDK's HTTP layer to see every request; `fail` can answer instead of the server. */
function observing(seen: S3HttpRequest[], fail?: (request: S3HttpRequest) => Error | undefined) {
  return (base: S3RequestHandler): S3RequestHandler => ({
    handle(request, options) {
      seen.push(request);
      const error = fail?.(request);
      return error ? Promise.reject(error) : base.handle(request, options);
    },
    destroy: () => base.destroy?.(),
  });
}

describe('S3Store on s3rver', () => {
  it('pages through listings of more than 1000 objects and deletes them in batches', async () => {
    const store = s3.makeStore();
    const keys = Array.from({ length: 1100 }, (_, i) => `many/part-${String(i).padStart(5, '0')}.bin`);
    await mapConcurrent(keys, 32, (key) => store.put(key, new Uint8Array([key.length])));
    await store.put('many-sibling.txt', new Uint8Array([1]));

    const before = store.requests.LIST;
    const listed = await collect(store.list('many/'));
    expect(store.requests.LIST - before).toBe(2);
    expect(listed.map((m) => m.key)).toEqual(keys);
    expect(listed.every((m) => m.size === 1)).toBe(true);

    const dir = await store.listDirectory('many/');
    expect(dir.objects.map((m) => m.key)).toEqual(keys);
    expect(dir.prefixes).toEqual([]);
    expect(store.requests.LIST - before).toBe(4);
    expect(await store.listDirectory('')).toMatchObject({ prefixes: ['many/'] });

    const deletesBefore = store.requests.DELETE;
    await store.deleteMany(keys);
    expect(store.requests.DELETE - deletesBefore).toBe(2); // 1000 + 100
    expect(await collect(store.list('many'))).toEqual([expect.objectContaining({ key: 'many-sibling.txt' })]);
  });

  it('uploads objects above the threshold in parts and reads them back intact', async () => {
    const store = s3.makeStore();
    const data = pseudoRandomBytes(17 * MiB + 123, 99);
    const puts = store.requests.PUT;
    await store.put('big/file.parquet', data);
    // create + 3 parts of 8 MiB + complete
    expect(store.requests.PUT - puts).toBe(5);
    expect(store.requests.bytesWritten).toBe(data.length);
    expect(await store.head('big/file.parquet')).toMatchObject({ size: data.length });
    const back = await store.get('big/file.parquet');
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    // A range that spans the boundary between the first two parts.
    const span = await store.get('big/file.parquet', { offset: 8 * MiB - 10, length: 20 });
    expect(span).toEqual(data.slice(8 * MiB - 10, 8 * MiB + 10));
  });

  it('uses one PUT at or below the threshold, and honours smaller thresholds and parts', async () => {
    const store = s3.makeStore(undefined, { multipartThreshold: 6 * MiB, partSize: 5 * MiB });
    const small = pseudoRandomBytes(6 * MiB, 1);
    await store.put('at-threshold', small);
    expect(store.requests.PUT).toBe(1);
    const large = pseudoRandomBytes(11 * MiB, 2);
    await store.put('above', large);
    expect(store.requests.PUT).toBe(1 + 1 + 3 + 1);
    expect(Buffer.from(await store.get('above')).equals(Buffer.from(large))).toBe(true);
  });

  it('aborts a multipart upload whose part fails, and leaves no object', async () => {
    const seen: S3HttpRequest[] = [];
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const store = s3.makeStore(undefined, {
      requestHandler: observing(seen, (r) => (r.query.partNumber === '2' ? denied : undefined)),
    });
    const error = await store.put('big/denied', pseudoRandomBytes(17 * MiB, 3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ status: 403 });
    expect((error as Error).message).toMatch(/upload part 2 .*credentials/s);
    const aborts = seen.filter((r) => r.method === 'DELETE' && r.query.uploadId !== undefined);
    expect(aborts).toHaveLength(1);
    expect(store.requests.DELETE).toBe(1);
    expect(seen.some((r) => r.method === 'POST' && r.query.uploadId !== undefined && r.query.partNumber === undefined)).toBe(false);
    expect(await store.head('big/denied')).toBeUndefined();
  });

  it('probes conditional creates once: s3rver accepts If-None-Match but ignores it', async () => {
    const seen: S3HttpRequest[] = [];
    const store = s3.makeStore(undefined, { requestHandler: observing(seen) });
    expect(await store.conditionalPutEnforced()).toBe(false);
    const probePuts = seen.filter((r) => r.method === 'PUT');
    expect(probePuts).toHaveLength(2);
    expect(probePuts.every((r) => r.headers['if-none-match'] === '*' && r.path.includes('/.hoodie/.aux/lake/probe-'))).toBe(true);
    expect(await collect(store.list(''))).toEqual([]);
    const count = seen.length;
    expect(await store.conditionalPutEnforced()).toBe(false);
    expect(seen.length).toBe(count);
  });

  it('checks with HEAD before a conditional create when the server does not enforce it', async () => {
    const seen: S3HttpRequest[] = [];
    const store = s3.makeStore(undefined, { conditionalPut: 'unsupported', requestHandler: observing(seen) });
    expect(await store.conditionalPutEnforced()).toBe(false);
    expect(seen).toHaveLength(0);
    expect(await store.putIfAbsent('k', new Uint8Array([1]))).toBe(true);
    expect(await store.putIfAbsent('k', new Uint8Array([2]))).toBe(false);
    expect(seen.map((r) => r.method)).toEqual(['HEAD', 'PUT', 'HEAD']);
    expect(await store.get('k')).toEqual(new Uint8Array([1]));
  });

  it("trusts the server's answer when told conditional creates are enforced", async () => {
    const seen: S3HttpRequest[] = [];
    const store = s3.makeStore(undefined, { conditionalPut: 'enforced', requestHandler: observing(seen) });
    expect(await store.conditionalPutEnforced()).toBe(true);
    expect(await store.putIfAbsent('k', new Uint8Array([1]))).toBe(true);
    expect(seen.map((r) => [r.method, r.headers['if-none-match']])).toEqual([['PUT', '*']]);
  });

  it('takes endpoint and region from the environment', async () => {
    const seen: S3HttpRequest[] = [];
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', 'eu-west-3');
    try {
      const { endpoint: _endpoint, region: _region, ...rest } = s3.storeOptions('env-test');
      const store = new S3Store({ ...rest, requestHandler: observing(seen) });
      await store.put('x', new Uint8Array([7]));
      expect(await store.get('x')).toEqual(new Uint8Array([7]));
      expect(seen[0].port).toBe(Number(new URL(s3.endpoint).port));
      expect(seen[0].headers.authorization).toContain('/eu-west-3/s3/aws4_request');
      store.destroy();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('opens s3:// URIs with the given connection options', async () => {
    const { bucket: _bucket, prefix: _prefix, ...connection } = s3.storeOptions();
    const store = await openStore(s3.uri('uri-test/table'), { s3: connection });
    expect(store).toBeInstanceOf(S3Store);
    expect(store.uri).toBe(`s3://${s3.bucket}/uri-test/table`);
    await store.put('.hoodie/hoodie.properties', new TextEncoder().encode('hoodie.table.name=t'));
    const same = s3.makeStore('uri-test/table');
    expect(new TextDecoder().decode(await same.get('.hoodie/hoodie.properties'))).toBe('hoodie.table.name=t');
    (store as S3Store).destroy();
  });

  it('keeps stores with different prefixes apart', async () => {
    const a = s3.makeStore('iso/a');
    const b = s3.makeStore('iso/ab');
    await a.put('k', new Uint8Array([1]));
    await b.put('k', new Uint8Array([2]));
    expect(await collect(a.list(''))).toEqual([expect.objectContaining({ key: 'k', size: 1 })]);
    expect(await a.get('k')).toEqual(new Uint8Array([1]));
    expect(await a.listDirectory('')).toMatchObject({ objects: [{ key: 'k' }], prefixes: [] });
  });
});
