// Row filtering on Arrow data: evaluates a bound expression over a batch into a mask, in SQL's
// three-valued logic (0 false, 1 true, 2 unknown), one column pass per predicate.

import type { Data, RecordBatch } from 'apache-arrow';
import type { Bound } from './bind.js';
import { compareDomain, readerOf, type DomainValue } from './values.js';

const FALSE = 0;
const TRUE = 1;
const UNKNOWN = 2;

function columnData(batch: RecordBatch, name: string): Data {
  const i = batch.schema.fields.findIndex((f) => f.name === name);
  return (batch.data.children as Data[])[i];
}

function test(op: string, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function scaled(v: DomainValue, mul: bigint): DomainValue {
  return mul === 1n ? v : (v as bigint) * mul;
}

function leafMask(bound: Bound, batch: RecordBatch): Uint8Array {
  const n = batch.numRows;
  const out = new Uint8Array(n);
  if (bound.type === 'const') return out.fill(bound.value ? TRUE : FALSE);
  if (bound.type === 'and' || bound.type === 'or') throw new Error('leafMask needs a leaf');
  const read = readerOf(columnData(batch, bound.column));
  const mul = bound.mul;
  if (bound.type === 'null') {
    for (let r = 0; r < n; r++) out[r] = (read(r) === null) !== bound.negated ? TRUE : FALSE;
    return out;
  }
  if (bound.type === 'compare') {
    const lit = bound.value as number;
    const op = bound.op;
    const numeric = typeof lit === 'number' || typeof lit === 'bigint';
    for (let r = 0; r < n; r++) {
      const v = read(r);
      if (v === null) out[r] = UNKNOWN;
      else if (numeric) {
        const x = scaled(v, mul) as number;
        // NaN compares false to everything (and unequal), as in JavaScript and Spark
        out[r] = test(op, x < lit ? -1 : x > lit ? 1 : x === lit ? 0 : Number.NaN) || (op === '!=' && x !== x) ? TRUE : FALSE;
      } else out[r] = test(op, compareDomain(v, bound.value)) ? TRUE : FALSE;
    }
    return out;
  }
  const set = new Set<DomainValue>(bound.values);
  for (let r = 0; r < n; r++) {
    const v = read(r);
    if (v === null) out[r] = UNKNOWN;
    else out[r] = set.has(scaled(v, mul)) !== bound.negated ? TRUE : FALSE;
  }
  return out;
}

/** The three-valued mask of `bound` over `batch`. */
export function evaluate(bound: Bound, batch: RecordBatch): Uint8Array {
  if (bound.type !== 'and' && bound.type !== 'or') return leafMask(bound, batch);
  const masks = bound.children.map((c) => evaluate(c, batch));
  const n = batch.numRows;
  const out = new Uint8Array(n).fill(bound.type === 'and' ? TRUE : FALSE);
  for (const m of masks) {
    if (bound.type === 'and') {
      for (let r = 0; r < n; r++) if (m[r] === FALSE || (m[r] === UNKNOWN && out[r] === TRUE)) out[r] = m[r];
    } else {
      for (let r = 0; r < n; r++) if (m[r] === TRUE || (m[r] === UNKNOWN && out[r] === FALSE)) out[r] = m[r];
    }
  }
  return out;
}

/** Row indexes where the mask is true. */
export function selectedRows(mask: Uint8Array): Int32Array {
  let count = 0;
  for (let r = 0; r < mask.length; r++) if (mask[r] === TRUE) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let r = 0; r < mask.length; r++) if (mask[r] === TRUE) out[k++] = r;
  return out;
}
