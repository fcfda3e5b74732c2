import { afterEach, describe, expect, it } from 'vitest';

import { cacheLimitsFromEnv, cacheUsage, setCacheLimits } from './process-caches.js';
import { rememberWrittenBaseFile, writtenBaseFile } from './file-group/written-base-files.js';
import { MemoryStore } from '@lake/storage';

const MIB = 1024 * 1024;
const defaults = cacheUsage().limits;

afterEach(() => setCacheLimits(defaults));

describe('process caches', () => {
  it('defaults to 64 MiB of footers, 128 MiB of key columns and 64 MiB of written files', () => {
    expect(defaults).toEqual({ footerBytes: 64 * MIB, keyColumnBytes: 128 * MIB, writtenFileBytes: 64 * MIB });
  });

  it('reads LAKE_CACHE_MB as a total split 1:2:1, and ignores what is not a number', () => {
    expect(cacheLimitsFromEnv({ LAKE_CACHE_MB: '64' })).toEqual({ footerBytes: 16 * MIB, keyColumnBytes: 32 * MIB, writtenFileBytes: 16 * MIB });
    expect(cacheLimitsFromEnv({ LAKE_CACHE_MB: ' 0 ' })).toEqual({ footerBytes: 0, keyColumnBytes: 0, writtenFileBytes: 0 });
    expect(cacheLimitsFromEnv({})).toBeUndefined();
    expect(cacheLimitsFromEnv({ LAKE_CACHE_MB: 'lots' })).toBeUndefined();
  });

  it('sets bounds, evicting written files beyond a lowered one at once', () => {
    const store = new MemoryStore('caches');
    rememberWrittenBaseFile(store, 'p/a.parquet', new Uint8Array(1000));
    rememberWrittenBaseFile(store, 'p/b.parquet', new Uint8Array(1000));
    expect(cacheUsage().held.writtenFileBytes).toBeGreaterThanOrEqual(2000);
    setCacheLimits({ writtenFileBytes: 1500, keyColumnBytes: 10 * MIB });
    expect(cacheUsage().limits).toMatchObject({ writtenFileBytes: 1500, keyColumnBytes: 10 * MIB, footerBytes: 64 * MIB });
    expect(cacheUsage().held.writtenFileBytes).toBeLessThanOrEqual(1500);
    expect(writtenBaseFile(store, 'p/a.parquet')).toBeUndefined();
    expect(writtenBaseFile(store, 'p/b.parquet')).toBeDefined();
  });

  it('refuses a bound that is not a number of bytes', () => {
    expect(() => setCacheLimits({ footerBytes: -1 })).toThrow(RangeError);
    expect(() => setCacheLimits({ keyColumnBytes: Number.NaN })).toThrow(/keyColumnBytes/);
  });
});
