// Which store a table location opens, and how bad locations are refused.

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { InvalidUriError, LocalStore, MemoryStore, openStore, parseStoreUri, S3Store } from '../src/index.js';

describe('parseStoreUri', () => {
  it.each([
    ['s3://bucket/tables/events', { kind: 's3', bucket: 'bucket', prefix: 'tables/events' }],
    ['s3://bucket/tables/events/', { kind: 's3', bucket: 'bucket', prefix: 'tables/events' }],
    ['s3://my.bucket-1', { kind: 's3', bucket: 'my.bucket-1', prefix: '' }],
    ['s3a://warehouse/db/t', { kind: 's3', bucket: 'warehouse', prefix: 'db/t' }],
    ['S3N://warehouse/t', { kind: 's3', bucket: 'warehouse', prefix: 't' }],
    ['memory://scratch', { kind: 'memory', name: 'scratch' }],
    ['file:///data/tables/t', { kind: 'file', path: '/data/tables/t', absolute: true }],
    ['file://localhost/data/t', { kind: 'file', path: '/data/t', absolute: true }],
    ['file:///data/my%20table', { kind: 'file', path: '/data/my table', absolute: true }],
    ['file:///C:/data/t', { kind: 'file', path: 'C:/data/t', absolute: true }],
    ['/abs/path', { kind: 'file', path: '/abs/path', absolute: true }],
    ['relative/path', { kind: 'file', path: 'relative/path', absolute: false }],
    ['./here', { kind: 'file', path: './here', absolute: false }],
    ['C:\\data\\t', { kind: 'file', path: 'C:\\data\\t', absolute: true }],
  ])('%s', (uri, expected) => {
    expect(parseStoreUri(uri)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['s3://', /bucket name/],
    ['s3://ab/prefix', /bucket name/],
    ['s3://Upper/prefix', /bucket name/],
    ['s3://bad_bucket/x', /bucket name/],
    ['gs://bucket/x', /"gs:\/\/" is not supported/],
    ['https://example.com/t', /not supported/],
    ['memory://', /needs a name/],
    ['file://server/share/t', /host "server"/],
    ['file://', /no path/],
    ['file:///bad%zzescape', /%-escape/],
    ['s3:bucket/x', /no "\/\/"/],
  ])('refuses %j', (uri, why) => {
    const error = (() => {
      try {
        parseStoreUri(uri);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidUriError);
    expect(error).toMatchObject({ code: 'INVALID_URI' });
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toMatch(/Use s3:\/\/bucket\/prefix/);
  });

  it('refuses non-strings with a typed error', () => {
    expect(() => parseStoreUri(undefined as unknown as string)).toThrow(InvalidUriError);
  });
});

describe('openStore', () => {
  it('opens memory stores that share objects by name', async () => {
    const a = await openStore('memory://uri-test-shared');
    const b = await openStore('memory://uri-test-shared');
    expect(a).toBeInstanceOf(MemoryStore);
    await a.put('k', new Uint8Array([1]));
    expect(await b.get('k')).toEqual(new Uint8Array([1]));
    MemoryStore.drop('uri-test-shared');
  });

  it('opens S3 stores rooted at the prefix, without contacting S3', async () => {
    const store = await openStore('s3a://warehouse/db/events/', { s3: { region: 'eu-central-1', maxAttempts: 2 } });
    expect(store).toBeInstanceOf(S3Store);
    expect(store.uri).toBe('s3://warehouse/db/events');
    expect((store as S3Store).bucket).toBe('warehouse');
    expect((store as S3Store).prefix).toBe('db/events/');
    (store as S3Store).destroy();
  });

  it('opens local stores at absolute paths, file URIs and paths relative to the working folder', async () => {
    const fromPath = await openStore('some/relative/table');
    expect(fromPath).toBeInstanceOf(LocalStore);
    expect((fromPath as LocalStore).root).toBe(resolve(process.cwd(), 'some/relative/table'));
    const fromUri = await openStore('file:///tmp/lake%20tables/t', { local: { fsync: true } });
    expect((fromUri as LocalStore).root).toBe('/tmp/lake tables/t');
    expect(fromUri.uri).toBe('file:///tmp/lake%20tables/t');
  });

  it('rejects bad URIs asynchronously with InvalidUriError', async () => {
    await expect(openStore('ftp://host/x')).rejects.toBeInstanceOf(InvalidUriError);
  });
});
