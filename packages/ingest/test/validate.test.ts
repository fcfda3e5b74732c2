// Validation and safe coercion of single records against an Arrow schema.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bool, Date_, DateUnit, Field, Float32, Float64, Int32, Int64, List, Schema, Struct, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import { createValidator, parseIsoTimestamp } from '../src/index.js';
import { createBatchValidator } from '../src/validate.js';

const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('n32', new Int32(), true),
  new Field('n64', new Int64(), true),
  new Field('f', new Float64(), true),
  new Field('f32', new Float32(), true),
  new Field('ok', new Bool(), true),
  new Field('ts', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), true),
  new Field('tsu', new Timestamp(TimeUnit.MICROSECOND, 'UTC'), true),
  new Field('day', new Date_(DateUnit.DAY), true),
  new Field('geo', new Struct([new Field('country', new Utf8(), false), new Field('lat', new Float64(), true)]), true),
  new Field('tags', new List(new Field('element', new Int32(), true)), true),
]);
const validate = createValidator(schema);

function reasons(record: unknown): string[] {
  const r = validate(record);
  return r.ok ? [] : r.reasons;
}

describe('validation', () => {
  it('accepts well-typed records unchanged, without coercions', () => {
    const r = validate({ id: 'a', n32: 5, n64: 7, f: 1.5, ok: true, ts: 1_700_000_000_000, geo: { country: 'FR', lat: 1 }, tags: [1, 2] });
    expect(r).toEqual({
      ok: true,
      coerced: 0,
      value: { id: 'a', n32: 5, n64: 7n, f: 1.5, f32: null, ok: true, ts: 1_700_000_000_000n, tsu: null, day: null, geo: { country: 'FR', lat: 1 }, tags: [1, 2] },
    });
  });

  it('applies and counts safe coercions', () => {
    const r = validate({ id: 42, n32: '12', n64: '9007199254740993', f: '2.5', ok: 'true', ts: '2024-01-02T03:04:05.678Z', tsu: 1_700_000_000, day: '2024-02-29T10:00:00Z' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ id: '42', n32: 12, n64: 9007199254740993n, f: 2.5, ok: true, ts: BigInt(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), tsu: 1_700_000_000_000_000n, day: '2024-02-29' });
    expect(r.coerced).toBe(8);
  });

  it('reads epoch numbers in seconds, milliseconds or microseconds by magnitude', () => {
    const at = Date.UTC(2024, 5, 1);
    for (const v of [at / 1000, at, at * 1000]) {
      const r = validate({ id: 'x', ts: v });
      expect(r.ok && r.value.ts).toBe(BigInt(at));
    }
    const strict = createValidator(schema, { epochUnit: 's' });
    const r = strict({ id: 'x', ts: 1000 });
    expect(r.ok && r.value.ts).toBe(1_000_000n);
  });

  it('rejects what does not fit, naming each field', () => {
    expect(reasons({ n32: 1 })).toEqual(['id: missing required field']);
    expect(reasons({ id: 'a', n32: 2 ** 31 })).toEqual(['n32: 2147483648 is out of range for int32']);
    expect(reasons({ id: 'a', n32: 1.5 })).toEqual(['n32: 1.5 is not an integer']);
    expect(reasons({ id: 'a', n64: 2 ** 60 })[0]).toMatch(/beyond 2\^53/);
    expect(reasons({ id: 'a', n64: '99999999999999999999' })[0]).toMatch(/out of range for int64/);
    expect(reasons({ id: 'a', f: 'abc' })).toEqual(['f: expected a number, got string "abc"']);
    expect(reasons({ id: 'a', f: 'NaN' })).toEqual(['f: "NaN" is not a finite number']);
    expect(reasons({ id: 'a', f32: 1e39 })).toEqual(['f32: 1e+39 is out of range for float32']);
    expect(reasons({ id: 'a', ok: 1 })[0]).toMatch(/^ok: expected a boolean/);
    expect(reasons({ id: 'a', ts: 'next tuesday' })[0]).toMatch(/^ts: .* is not a timestamp/);
    expect(reasons({ id: 'a', ts: '2024-02-30T00:00:00Z' })[0]).toMatch(/^ts: .* is not a timestamp/);
    expect(reasons({ id: 'a', ts: '10000-01-01' })[0]).toMatch(/^ts: /);
    expect(reasons({ id: 'a', ts: 1e25 })[0]).toMatch(/out of range/);
    expect(reasons({ id: 'a', geo: { lat: 'north' } })).toEqual(['geo.country: missing required field', 'geo.lat: expected a number, got string "north"']);
    expect(reasons({ id: 'a', tags: [1, 'x'] })).toEqual(['tags[1]: expected a number, got string "x"']);
    expect(reasons({ id: 'a', colour: 'red' })[0]).toMatch(/^colour: unknown field/);
    expect(reasons(['not', 'a', 'record'])).toEqual(['expected a record (object), got array']);
    expect(createValidator(schema, { unknownFields: 'drop' })({ id: 'a', colour: 'red' }).ok).toBe(true);
    expect(createValidator(schema, { allowNaN: true })({ id: 'a', f: 'NaN' }).ok).toBe(true);
    expect(createValidator(schema, { required: ['n32'] })({ id: 'a' }).ok).toBe(false);
  });

  it('round-trips any millisecond timestamp through ISO-8601 text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800000, max: 253402300799999 }), (ms) => {
        expect(parseIsoTimestamp(new Date(ms).toISOString(), 1)).toBe(BigInt(ms));
        const r = validate({ id: 'p', ts: new Date(ms).toISOString() });
        expect(r.ok && r.value.ts).toBe(BigInt(ms));
      }),
    );
  });

  it('never throws, whatever the record', () => {
    fc.assert(
      fc.property(fc.anything(), fc.dictionary(fc.constantFrom('id', 'n32', 'n64', 'f', 'ts', 'geo', 'tags', 'day', 'ok'), fc.anything()), (a, rec) => {
        expect(() => validate(a)).not.toThrow();
        expect(() => validate(rec)).not.toThrow();
      }),
    );
  });
});

describe('batch validation (the ingestion pipeline\'s)', () => {
  const flat = new Schema([new Field('id', new Utf8(), false), new Field('n64', new Int64(), true), new Field('f', new Float64(), true), new Field('geo', schema.fields[9].type, true)]);
  const lean = createBatchValidator(flat);
  const full = createValidator(flat);

  it('returns a well-formed record itself, 64-bit integers as the numbers given', () => {
    const record = { id: 'a', n64: 2 ** 53 - 1, f: 1.5, geo: { country: 'FR' } };
    const r = lean(record);
    expect(r).toEqual({ ok: true, coerced: 0, value: record });
    expect(r.ok && r.value).toBe(record);
    expect(lean({ id: 'b' })).toMatchObject({ ok: true, value: { id: 'b' } });
  });

  it('copies a record whose values change, leaving the given one as it was', () => {
    const record = { id: 7, n64: '12', f: 2 };
    const r = lean(record);
    expect(r).toEqual({ ok: true, coerced: 2, value: { id: '7', n64: 12n, f: 2, geo: null } });
    expect(record).toEqual({ id: 7, n64: '12', f: 2 });
    const dropped = createBatchValidator(flat, { unknownFields: 'drop' })({ id: 'c', extra: 1 });
    expect(dropped).toEqual({ ok: true, coerced: 0, value: { id: 'c', n64: null, f: null, geo: null } });
  });

  it('accepts and refuses exactly what the record validator does', () => {
    const value = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 3 }), fc.integer(), fc.double(), fc.maxSafeInteger(), fc.constant(2 ** 60), fc.boolean(), fc.constant({ country: 'FR' }));
    fc.assert(
      fc.property(fc.record({ id: value, n64: value, f: value, geo: value }, { requiredKeys: [] }), (record) => {
        const a = lean({ ...record });
        const b = full({ ...record });
        expect(a.ok).toBe(b.ok);
        if (!a.ok || !b.ok) {
          expect(a).toEqual(b);
          return;
        }
        expect(a.coerced).toBe(b.coerced);
        // The same values, an int64 as a number where it was a safe one, a missing nullable
        // field (also in a struct) missing rather than null.
        for (const f of flat.fields) {
          let x = a.value[f.name] ?? null;
          if (f.name === 'geo' && x !== null) x = { lat: null, ...(x as object) };
          const y = b.value[f.name];
          expect(typeof x === 'number' && typeof y === 'bigint' ? BigInt(x) : x).toEqual(y);
        }
      }),
    );
  });
});
