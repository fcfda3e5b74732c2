// Plan paths: lake writes Hadoop Path strings as Hudi does, reads them and older relative keys
// back to table keys, and refuses anything outside the table.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { PathOutsideTableError } from '../errors.js';
import { dataFileKeyOf, hudiPath, tableKeyOf } from './table-paths.js';

const segment = fc.stringMatching(/^[a-zA-Z0-9_=%-][a-zA-Z0-9 _=.%-]{0,8}$/).filter((s) => s !== '.' && s !== '..');
const keyArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const storeArb = fc.constantFrom('file:///tmp/tables/t1', 'file:///data/my%20table', 's3://bucket/warehouse/t', 's3://bucket', 'memory://m');

describe('plan paths', () => {
  it('writes Hadoop Path strings: file:/abs for local tables, s3://bucket/key on S3', () => {
    expect(hudiPath('file:///data/my%20table', 'dt=1/f.parquet')).toBe('file:/data/my table/dt=1/f.parquet');
    expect(hudiPath('s3://bucket/warehouse/t', 'dt=1/f.parquet')).toBe('s3://bucket/warehouse/t/dt=1/f.parquet');
    expect(hudiPath('s3://bucket', 'f.parquet')).toBe('s3://bucket/f.parquet');
  });

  it('reads back every key it writes, and relative keys as they are', () => {
    fc.assert(
      fc.property(storeArb, keyArb, (uri, key) => {
        expect(tableKeyOf(uri, hudiPath(uri, key))).toBe(key);
        expect(tableKeyOf(uri, key)).toBe(key);
      }),
    );
  });

  it('reads the other spellings Hudi writes for the same file', () => {
    expect(tableKeyOf('file:///tmp/t', '/tmp/t/p/f.parquet')).toBe('p/f.parquet');
    expect(tableKeyOf('file:///tmp/t', 'file:///tmp/t/p/f.parquet')).toBe('p/f.parquet');
    expect(tableKeyOf('file:///tmp/my%20t', 'file:/tmp/my t/p=%41/f.parquet')).toBe('p=%41/f.parquet');
    expect(tableKeyOf('s3://b/w/t', 's3a://b/w/t/p/f.parquet')).toBe('p/f.parquet');
  });

  it('refuses paths outside the table', () => {
    fc.assert(
      fc.property(storeArb, keyArb, (uri, key) => {
        const abs = hudiPath(uri, key);
        expect(tableKeyOf(uri, abs.replace(/^[a-z0-9]+:/, 'gs:'))).toBeUndefined();
        expect(tableKeyOf(uri, `../${key}`)).toBeUndefined();
        expect(tableKeyOf(uri, `${key}/../../x`)).toBeUndefined();
      }),
    );
    expect(tableKeyOf('s3://bucket/warehouse/t', 's3://bucket/warehouse/t2/p/f.parquet')).toBeUndefined();
    expect(tableKeyOf('s3://bucket/warehouse/t', 's3://other/warehouse/t/p/f.parquet')).toBeUndefined();
    expect(tableKeyOf('file:///tmp/t', 'file:/tmp/tx/p/f.parquet')).toBeUndefined();
    expect(tableKeyOf('file:///tmp/t', '/etc/passwd')).toBeUndefined();
    expect(tableKeyOf('file:///tmp/t', 's3://bucket/tmp/t/p/f.parquet')).toBeUndefined();
  });

  it('accepts only data files of the table for deletion', () => {
    const uri = 'file:///tmp/t';
    const base = 'f1-0_0-1-0_20240101000000000.parquet';
    expect(dataFileKeyOf(uri, `file:/tmp/t/p/${base}`, 'plan')).toBe(`p/${base}`);
    expect(dataFileKeyOf(uri, `p/.f1-0_20240101000000000.log.1_0-1-0`, 'plan')).toBe('p/.f1-0_20240101000000000.log.1_0-1-0');
    for (const bad of ['file:/tmp/t/.hoodie/hoodie.properties', 'file:/tmp/t/p/notes.txt', `file:/tmp/other/p/${base}`, `/tmp/t/../other/${base}`]) {
      expect(() => dataFileKeyOf(uri, bad, 'plan')).toThrow(PathOutsideTableError);
    }
  });
});
