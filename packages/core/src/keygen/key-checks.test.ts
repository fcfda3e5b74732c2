// Keys and partition paths lake refuses: lone surrogates (stored as U+FFFD, never found again),
// `.` and `.hoodie` partition segments, and multi-field key values that make keys collide.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Table, Utf8, vectorFromArray } from 'apache-arrow';

import { InvalidRecordKeyError, PartitionPathError } from '../errors.js';
import { ambiguousKeyValueProblem, keyFieldProblems, loneSurrogateIndex } from './key-checks.js';
import { createKeyGenerator, type KeyGeneratorOptions } from './key-generator.js';

function strings(columns: Record<string, (string | null)[]>): Table {
  return new Table(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, vectorFromArray(v, new Utf8())])));
}

const simple: KeyGeneratorOptions = { type: 'SIMPLE', recordKeyFields: ['id'], partitionPathFields: ['dt'] };
const complex: KeyGeneratorOptions = { type: 'COMPLEX', recordKeyFields: ['a', 'b'], partitionPathFields: ['dt'], rejectAmbiguousKeys: true };

describe('lone surrogates', () => {
  it('finds unpaired surrogates only', () => {
    expect(loneSurrogateIndex('a\uD83D\uDE00b')).toBe(-1);
    expect(loneSurrogateIndex('ab\uD83D')).toBe(2);
    expect(loneSurrogateIndex('\uDE00x')).toBe(0);
    expect(loneSurrogateIndex('x\uD83Dy')).toBe(1);
  });

  it('are found in record key and partition values of plain rows, nested fields included', () => {
    expect(keyFieldProblems({ id: 'ok', dt: 'd' }, ['id'], ['dt'])).toEqual([]);
    expect(keyFieldProblems({ id: 'bad\uD800', dt: 'd\uDC00' }, ['id'], ['dt']).map((p) => [p.field, p.kind])).toEqual([
      ['id', 'record key'],
      ['dt', 'partition'],
    ]);
    expect(keyFieldProblems({ user: { id: 'x\uD83D' } }, ['user.id'], []).map((p) => p.field)).toEqual(['user.id']);
    // Numbers and other non-strings are never a problem.
    expect(keyFieldProblems({ id: 7, dt: null }, ['id'], ['dt'])).toEqual([]);
  });

  it('well-formed strings always pass and keep their value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (id) => {
        expect(createKeyGenerator(simple).recordKeys(strings({ id: [id], dt: ['d'] }))).toEqual([id]);
      }),
    );
  });
});

describe('reserved partition segments', () => {
  it.each(['.hoodie', '.'])('a partition value "%s" is refused', (dt) => {
    expect(() => createKeyGenerator(simple).partitionPaths(strings({ id: ['a'], dt: [dt] }))).toThrow(PartitionPathError);
  });

  it('values starting with a dot are ordinary partitions, and Hive style makes ".hoodie" harmless', () => {
    expect(createKeyGenerator(simple).partitionPaths(strings({ id: ['a', 'b'], dt: ['.2024-05-01', '.hidden'] }))).toEqual(['.2024-05-01', '.hidden']);
    expect(createKeyGenerator({ ...simple, hiveStylePartitioning: true }).partitionPaths(strings({ id: ['a'], dt: ['.hoodie'] }))).toEqual(['dt=.hoodie']);
  });
});

describe('multi-field record keys', () => {
  it('two rows that would collide are refused', () => {
    const rows = strings({ a: ['x,b:y', 'x'], b: ['z', 'y,b:z'], dt: ['d', 'd'] });
    // Without the check the collision is real: both rows get the same key.
    const loose = createKeyGenerator({ ...complex, rejectAmbiguousKeys: false }).recordKeys(rows);
    expect(loose[0]).toBe(loose[1]);
    expect(() => createKeyGenerator(complex).recordKeys(rows)).toThrow(InvalidRecordKeyError);
  });

  it('placeholder values are refused (they stand for null and empty)', () => {
    expect(() => createKeyGenerator(complex).recordKeys(strings({ a: ['__null__'], b: ['v'], dt: ['d'] }))).toThrow(InvalidRecordKeyError);
    expect(() => createKeyGenerator(complex).recordKeys(strings({ a: ['v'], b: ['__empty__'], dt: ['d'] }))).toThrow(InvalidRecordKeyError);
  });

  it('colons alone are accepted, and a single-field complex key may hold commas', () => {
    expect(createKeyGenerator(complex).recordKeys(strings({ a: ['10:00:00'], b: ['y:z'], dt: ['d'] }))).toEqual(['a:10:00:00,b:y:z']);
    const one = createKeyGenerator({ ...complex, recordKeyFields: ['a'] });
    expect(one.recordKeys(strings({ a: ['x,y'], dt: ['d'] }))).toEqual(['a:x,y']);
  });

  it('accepted values never give two different rows the same key (model check)', () => {
    const value = fc.oneof(fc.constantFrom(',', ':', 'a', 'b', 'a:', ',b:', '__null__', '__empty__', ''), fc.string({ maxLength: 4 }));
    const row = fc.tuple(fc.option(value, { nil: null }), fc.option(value, { nil: null }));
    fc.assert(
      fc.property(row, row, (r1, r2) => {
        fc.pre(r1[0] !== r2[0] || r1[1] !== r2[1]);
        const keygen = createKeyGenerator(complex);
        const keyOf = (r: (string | null)[]): string | undefined => {
          try {
            return keygen.recordKeys(strings({ a: [r[0]], b: [r[1]], dt: ['d'] }))[0];
          } catch {
            return undefined;
          }
        };
        const k1 = keyOf(r1);
        const k2 = keyOf(r2);
        if (k1 !== undefined && k2 !== undefined) expect(k1).not.toBe(k2);
      }),
      { numRuns: 2000 },
    );
    expect(ambiguousKeyValueProblem('a,b')).toContain('","');
  });
});
