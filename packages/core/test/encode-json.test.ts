// The timeline's Avro records are encoded without avsc (which needs Node's built-ins); the bytes
// must be what avsc, the reference Avro implementation for JavaScript, writes.

import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AvroWriter } from '../src/avro/avro-writer.js';
import { jsonAvroEncoder } from '../src/avro/encode-json.js';

const schema = {
  type: 'record',
  name: 'Plan',
  namespace: 'org.apache.hudi.avro.model',
  fields: [
    { name: 'operations', type: ['null', { type: 'array', items: { type: 'record', name: 'Op', fields: [
      { name: 'fileId', type: ['null', 'string'], default: null },
      { name: 'paths', type: { type: 'array', items: 'string' }, default: [] },
      { name: 'metrics', type: ['null', { type: 'map', values: 'double' }], default: null },
      { name: 'size', type: 'long' },
      { name: 'count', type: ['null', 'int'], default: null },
    ] } }], default: null },
    { name: 'again', type: ['null', 'Op'], default: null },
    { name: 'state', type: { type: 'enum', name: 'State', symbols: ['REQUESTED', 'INFLIGHT', 'COMPLETED'] } },
    { name: 'flag', type: 'boolean', default: false },
    { name: 'version', type: ['int', 'null'], default: 1 },
    { name: 'extra', type: ['null', { type: 'map', values: 'string' }], default: null },
    { name: 'ratio', type: 'float' },
    { name: 'blob', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
  ],
};

// avsc's clone drops a `__proto__` key, as any object literal would.
const key = fc.string().filter((k) => k !== '__proto__');

const op = fc.record(
  {
    fileId: fc.option(fc.string(), { nil: null }),
    paths: fc.array(fc.string(), { maxLength: 4 }),
    metrics: fc.option(fc.dictionary(key, fc.double({ noNaN: true })), { nil: null }),
    size: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    count: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
  },
  { requiredKeys: ['size'] },
);

const plan = fc.record(
  {
    operations: fc.option(fc.array(op, { maxLength: 4 }), { nil: null }),
    again: fc.option(op, { nil: null }),
    state: fc.constantFrom('REQUESTED', 'INFLIGHT', 'COMPLETED'),
    flag: fc.boolean(),
    version: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
    extra: fc.option(fc.dictionary(key, fc.string()), { nil: null }),
    ratio: fc.float({ noNaN: true }),
    blob: fc.uint8Array({ maxLength: 20 }),
    hash: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  },
  { requiredKeys: ['state', 'ratio', 'blob', 'hash'] },
);

describe('jsonAvroEncoder', () => {
  it('writes the bytes avsc writes, defaults and unwrapped unions included', () => {
    const reference = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false });
    const encode = jsonAvroEncoder(schema);
    fc.assert(
      fc.property(plan, (value) => {
        const out = new AvroWriter();
        encode(value, out);
        const withDefaults = reference.clone(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v) : v])), { wrapUnions: false } as never);
        expect(Buffer.from(out.slice(0)).toString('hex')).toBe(reference.toBuffer(withDefaults).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('names the field it cannot encode', () => {
    const encode = jsonAvroEncoder(schema);
    expect(() => encode({ state: 'DONE', ratio: 1, blob: new Uint8Array(), hash: new Uint8Array(4) }, new AvroWriter())).toThrow('Cannot encode state as Avro: "DONE" is not a symbol of the enum.');
  });
});
