// Base and log file name grammar: parse what Spark writes, and format names that parse back.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InvalidFileNameError } from '../errors.js';
import { formatBaseFileName, parseBaseFileName, requireBaseFileName } from './base-file.js';
import { compareLogFileNames, formatLogFileName, parseLogFileName } from './log-file.js';

describe('base file names', () => {
  it('parses a Spark-written name', () => {
    expect(parseBaseFileName('a079bdb3-731c-4894-b855-abfcd6921007-0_0-182-253_20240418173550988.parquet')).toEqual({
      fileId: 'a079bdb3-731c-4894-b855-abfcd6921007-0',
      writeToken: '0-182-253',
      instantTime: '20240418173550988',
      extension: 'parquet',
    });
  });

  it.each(['.hoodie_partition_metadata', 'x.parquet', 'a_b_c.parquet', 'f_0-1-1_20240418173550988.txt'])('rejects %s', (n) => {
    expect(parseBaseFileName(n)).toBeUndefined();
  });

  it('throws a typed error when a name is required', () => {
    expect(() => requireBaseFileName('nope')).toThrow(InvalidFileNameError);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.nat(99), fc.nat(999), fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n - 1n }), (id, p, s, t) => {
        const name = { fileId: `${id}-${p}`, writeToken: `${p}-${s}-${s + 1}`, instantTime: String(t), extension: 'parquet' };
        expect(parseBaseFileName(formatBaseFileName(name))).toEqual(name);
      }),
    );
  });
});

describe('log file names', () => {
  it('parses a Spark-written name', () => {
    expect(parseLogFileName('.d206069c-22c8-4532-b9ea-3cf4282342c4-0_20250117083125837.log.1_0-33-43')).toEqual({
      fileId: 'd206069c-22c8-4532-b9ea-3cf4282342c4-0',
      instantTime: '20250117083125837',
      extension: 'log',
      version: 1,
      writeToken: '0-33-43',
      cdc: false,
    });
    expect(parseLogFileName('.f-0_20250117083125837.log.2_0-1-1.cdc')?.cdc).toBe(true);
    expect(parseLogFileName('f-0_20250117083125837.log.1_0-1-1')).toBeUndefined();
  });

  it('round-trips and orders by instant, version, then write token', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 500 }), fc.bigInt({ min: 10n ** 16n, max: 10n ** 17n - 1n }), (id, v, t) => {
        const name = { fileId: `${id}-0`, instantTime: String(t), version: v, writeToken: '1-2-3' };
        expect(parseLogFileName(formatLogFileName(name))).toEqual({ ...name, extension: 'log', cdc: false });
      }),
    );
    const a = parseLogFileName('.f-0_20250101000000000.log.2_0-1-1')!;
    const b = parseLogFileName('.f-0_20250101000000000.log.10_0-1-1')!;
    const c = parseLogFileName('.f-0_20250102000000000.log.1_0-1-1')!;
    expect([c, b, a].sort(compareLogFileNames)).toEqual([a, b, c]);
  });
});
