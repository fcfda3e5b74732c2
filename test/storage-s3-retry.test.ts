// S3Store's retry policy, with faults injected into the HTTP layer in front of a real s3rver:
// transient failures are retried with backoff and counted; client errors are not retried.

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import {
  NotFoundError,
  StoreError,
  type S3HttpRequest,
  type S3HttpResponse,
  type S3RequestHandler,
  type S3StoreOptions,
} from '@lake/storage';
import { withS3rver } from './support/s3rver.js';

const s3 = withS3rver();

type Fault =
  | { status: number; code?: string }
  | { network: string }
  | { timeout: true }
  /** The server answers, but the connection drops while the body is being read. */
  | { dropBody: true }
  /** The server runs a DeleteObjects request, but the answer reports these keys as failed. */
  | { deleteErrors: Array<{ key: string; code: string }> };

function errorResponse(request: S3HttpRequest, status: number, code?: string): { response: S3HttpResponse } {
  const xml = code
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected ${code}</Message><RequestId>t</RequestId></Error>`
    : '';
  return {
    response: {
      statusCode: status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'test' },
      body: Readable.from(request.method === 'HEAD' || xml === '' ? [] : [Buffer.from(xml)]),
    },
  };
}

/**
 * An HTTP layer that answers the next matching requests with the planned faults, in order, and
 * passes everything else to the real handler (and so to s3rver).
 */
function faultyHttp(plan: Fault[], matches: (r: S3HttpRequest) => boolean = () => true) {
  const state = { injected: 0, passed: 0 };
  const wrap = (base: S3RequestHandler): S3RequestHandler => ({
    async handle(request, options) {
      const fault = matches(request) ? plan.shift() : undefined;
      if (!fault) {
        state.passed++;
        return base.handle(request, options);
      }
      state.injected++;
      if ('status' in fault) return errorResponse(request, fault.status, fault.code);
      if ('network' in fault) throw Object.assign(new Error(`injected ${fault.network}`), { code: fault.network });
      if ('timeout' in fault) throw Object.assign(new Error('injected timeout'), { name: 'TimeoutError' });
      const real = await base.handle(request, options);
      (real.response.body as Readable).destroy();
      if ('deleteErrors' in fault) {
        const errors = fault.deleteErrors.map((e) => `<Error><Key>${e.key}</Key><Code>${e.code}</Code><Message>injected</Message></Error>`);
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${errors.join('')}</DeleteResult>`;
        const headers = { ...real.response.headers, 'content-length': String(Buffer.byteLength(xml)) };
        return { response: { ...real.response, headers, body: Readable.from([Buffer.from(xml)]) } };
      }
      const broken = new Readable({
        read() {
          this.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        },
      });
      return { response: { ...real.response, body: broken } };
    },
    destroy: () => base.destroy?.(),
  });
  return { wrap, state };
}

function faultyStore(plan: Fault[], matches?: (r: S3HttpRequest) => boolean, extra: Partial<S3StoreOptions> = {}) {
  const { wrap, state } = faultyHttp(plan, matches);
  const sleeps: number[] = [];
  const store = s3.makeStore(undefined, {
    requestHandler: wrap,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    conditionalPut: 'enforced',
    ...extra,
  });
  return { store, sleeps, state };
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const isGet = (r: S3HttpRequest): boolean => r.method === 'GET' && !('list-type' in r.query);

describe('S3Store retries', () => {
  it('retries 503 SlowDown with exponential backoff and full jitter, counting every attempt', async () => {
    const { store, sleeps, state } = faultyStore(
      [
        { status: 503, code: 'SlowDown' },
        { status: 503, code: 'SlowDown' },
        { status: 503, code: 'SlowDown' },
      ],
      isGet,
    );
    await store.put('k', bytes('hello'));
    expect(new TextDecoder().decode(await store.get('k'))).toBe('hello');
    expect(state.injected).toBe(3);
    expect(store.requests.GET).toBe(4);
    expect(store.requests.bytesRead).toBe(5);
    // random() = 0.5 of a ceiling of 100 ms doubling per attempt.
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('caps the backoff ceiling', async () => {
    const plan: Fault[] = Array.from({ length: 5 }, () => ({ status: 503, code: 'SlowDown' }));
    const { store, sleeps } = faultyStore(plan, isGet, { maxAttempts: 6, retryBaseDelayMs: 1000, retryMaxDelayMs: 3000, random: () => 0.999 });
    await store.put('k', bytes('x'));
    await store.get('k');
    expect(sleeps).toEqual([999, 1998, 2997, 2997, 2997]);
  });

  it.each([
    ['500 InternalError', { status: 500, code: 'InternalError' }],
    ['502 without a body', { status: 502 }],
    ['504', { status: 504, code: 'GatewayTimeout' }],
    ['429 throttling', { status: 429, code: 'TooManyRequestsException' }],
    ['400 RequestTimeout', { status: 400, code: 'RequestTimeout' }],
    ['ECONNRESET', { network: 'ECONNRESET' }],
    ['EPIPE', { network: 'EPIPE' }],
    ['a timeout', { timeout: true }],
  ] satisfies [string, Fault][])('retries a PUT after %s', async (_name, fault) => {
    const { store, sleeps, state } = faultyStore([fault], (r) => r.method === 'PUT');
    await store.put('retried', bytes('payload'));
    expect(state.injected).toBe(1);
    expect(store.requests.PUT).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(new TextDecoder().decode(await store.get('retried'))).toBe('payload');
  });

  it('retries a GET whose connection drops while the body is read', async () => {
    const { store, state } = faultyStore([{ dropBody: true }], isGet);
    await store.put('k', bytes('whole body'));
    expect(new TextDecoder().decode(await store.get('k'))).toBe('whole body');
    expect(state.injected).toBe(1);
    expect(store.requests.GET).toBe(2);
  });

  it.each([
    ['403 AccessDenied', 403, 'AccessDenied', /credentials/],
    ['400 InvalidArgument', 400, 'InvalidArgument', /configuration/],
    ['404 NoSuchBucket', 404, 'NoSuchBucket', /bucket/],
  ])('does not retry %s, and says what to do', async (_name, status, code, advice) => {
    const { store, sleeps, state } = faultyStore([{ status, code }], (r) => r.method === 'PUT');
    const error = await store.put('k', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', status });
    expect((error as Error).message).toContain(code);
    expect((error as Error).message).toContain('after 1 attempt');
    expect((error as Error).message).toMatch(advice);
    expect(state.injected).toBe(1);
    expect(store.requests.PUT).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('throws StoreError with the status after the last attempt', async () => {
    const plan: Fault[] = Array.from({ length: 10 }, () => ({ status: 503, code: 'SlowDown' }));
    const { store, sleeps } = faultyStore(plan, isGet, { maxAttempts: 3 });
    await store.put('k', bytes('x'));
    const error = await store.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ status: 503 });
    expect((error as Error).message).toMatch(/after 3 attempts: HTTP 503 SlowDown/);
    expect((error as Error).message).toMatch(/maxAttempts/);
    expect(store.requests.GET).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('treats a missing key as an answer, not a failure to retry', async () => {
    const { store, sleeps } = faultyStore([{ status: 503, code: 'SlowDown' }], (r) => r.method === 'HEAD');
    expect(await store.head('missing')).toBeUndefined();
    expect(store.requests.HEAD).toBe(2);
    await expect(store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(store.requests.GET).toBe(1);
    expect(sleeps).toHaveLength(1);
  });

  it('retries listings page by page', async () => {
    const isList = (r: S3HttpRequest): boolean => r.method === 'GET' && 'list-type' in r.query;
    const { store, state } = faultyStore([{ network: 'ECONNRESET' }, { status: 500, code: 'InternalError' }], isList);
    await store.put('a/1', bytes('1'));
    await store.put('a/2', bytes('2'));
    const keys: string[] = [];
    for await (const meta of store.list('a/')) keys.push(meta.key);
    expect(keys).toEqual(['a/1', 'a/2']);
    expect(state.injected).toBe(2);
    expect(store.requests.LIST).toBe(3);
  });

  it.each([
    ['412 PreconditionFailed', 412, 'PreconditionFailed'],
    ['409 ConditionalRequestConflict', 409, 'ConditionalRequestConflict'],
  ])('reads %s on a conditional create as "already exists"', async (_name, status, code) => {
    const { store, sleeps } = faultyStore([{ status, code }], (r) => r.method === 'PUT');
    expect(await store.putIfAbsent('exists', bytes('x'))).toBe(false);
    expect(store.requests.PUT).toBe(1);
    expect(sleeps).toEqual([]);
    expect(await store.head('exists')).toBeUndefined();
  });

  it('retries a conditional create after a 503, then succeeds', async () => {
    const { store } = faultyStore([{ status: 503, code: 'SlowDown' }], (r) => r.method === 'PUT');
    expect(await store.putIfAbsent('new', bytes('x'))).toBe(true);
    expect(store.requests.PUT).toBe(2);
  });

  it('retries a failed part of a multipart upload on its own', async () => {
    const MiB = 1024 * 1024;
    const isPart = (r: S3HttpRequest): boolean => r.method === 'PUT' && r.query.partNumber === '2';
    const { store } = faultyStore([{ status: 500, code: 'InternalError' }], isPart, { multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    const data = new Uint8Array(11 * MiB).map((_, i) => i % 251);
    await store.put('multi', data);
    // create + 3 parts + 1 retried part + complete
    expect(store.requests.PUT).toBe(6);
    expect(Buffer.from(await store.get('multi')).equals(Buffer.from(data))).toBe(true);
  });

  describe('DeleteObjects answers that report some keys as failed', () => {
    const isBatchDelete = (r: S3HttpRequest): boolean => r.method === 'POST' && 'delete' in r.query;

    it('retries only the keys that failed transiently', async () => {
      const bodies: string[] = [];
      const prefixOf = (key: string): string => `${store.prefix}${key}`;
      const plan: Fault[] = [];
      const { store, sleeps } = faultyStore(plan, (r) => {
        if (isBatchDelete(r)) bodies.push(typeof r.body === 'string' ? r.body : new TextDecoder().decode(r.body as Uint8Array));
        return isBatchDelete(r);
      });
      plan.push({ deleteErrors: [{ key: prefixOf('b'), code: 'SlowDown' }] });
      for (const key of ['a', 'b', 'c']) await store.put(key, bytes(key));
      await store.deleteMany(['a', 'b', 'c']);
      expect(store.requests.DELETE).toBe(2);
      expect(sleeps).toHaveLength(1);
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toContain(`<Key>${prefixOf('b')}</Key>`);
      expect(bodies[1]).not.toContain(`<Key>${prefixOf('a')}</Key>`);
      expect(await store.head('b')).toBeUndefined();
    });

    it('gives up at once on a per-key AccessDenied, naming the key', async () => {
      const plan: Fault[] = [];
      const { store, sleeps } = faultyStore(plan, isBatchDelete);
      plan.push({ deleteErrors: [{ key: `${store.prefix}locked`, code: 'AccessDenied' }] });
      await store.put('locked', bytes('x'));
      const error = await store.deleteMany(['locked', 'other']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(/could not delete 1 of 2 objects .*locked \(AccessDenied/);
      expect((error as Error).message).toMatch(/credentials/);
      expect(store.requests.DELETE).toBe(1);
      expect(sleeps).toEqual([]);
    });
  });

  it('accepts a whole replacement HTTP layer, not only a wrapper', async () => {
    const seen: S3HttpRequest[] = [];
    const handler: S3RequestHandler = {
      async handle(request) {
        seen.push(request);
        const headers = { 'content-length': '42', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' };
        return { response: { statusCode: 200, headers, body: Readable.from([]) } };
      },
    };
    const store = s3.makeStore('replaced', { requestHandler: handler });
    expect(await store.head('x')).toEqual({ key: 'x', size: 42, lastModified: new Date('2025-01-01T00:00:00Z') });
    expect(seen.map((r) => [r.method, r.path])).toEqual([['HEAD', `/${s3.bucket}/replaced/x`]]);
  });
});
