// Hash join of two inputs on a key: both sides are gathered, the smaller one is built into a
// hash table and the other probes it batch by batch. Inner and left joins; null keys never match.

import { Field, Schema, Table, type Data, type RecordBatch } from 'apache-arrow';
import { makeColumnBuilder } from '@lake/core/format';

import { InvalidQueryError, UnknownColumnError } from './errors.js';
import type { Scan } from './scan.js';
import { batchOf, takeData } from './take.js';
import { columnKind, domainKey, readerOf } from './values.js';

export type JoinInput = Scan | Table | AsyncIterable<RecordBatch> | Iterable<RecordBatch>;

export interface JoinOptions {
  /** The key column: one name for both sides, or [left, right]. */
  on: string | readonly [string, string];
  /** 'inner' (default) or 'left': every left row, with nulls where no right row matches. */
  type?: 'inner' | 'left';
  /** Appended to right-side column names that the left side already has (default '_right'). */
  suffix?: string;
}

async function gather(input: JoinInput): Promise<{ schema: Schema; batches: RecordBatch[] }> {
  if (input instanceof Table) return { schema: input.schema, batches: input.batches };
  if ('toArrow' in input && typeof input.toArrow === 'function') {
    const t = await input.toArrow();
    return { schema: t.schema, batches: t.batches };
  }
  const batches: RecordBatch[] = [];
  for await (const b of input as AsyncIterable<RecordBatch>) batches.push(b);
  if (batches.length === 0) throw new InvalidQueryError('Cannot join an empty stream of batches: its schema is unknown. Pass a scan or an Arrow table.');
  return { schema: batches[0].schema, batches };
}

/** One batch holding every row of `batches`. */
function concat(schema: Schema, batches: RecordBatch[]): RecordBatch {
  if (batches.length === 1) return batches[0];
  const total = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = schema.fields.map((f, c) => {
    const builder = makeColumnBuilder(f.type);
    for (const b of batches) {
      const data = (b.data.children as Data[])[c];
      for (let r = 0; r < b.numRows; r++) builder.appendFrom(data, r);
    }
    return builder.finish();
  });
  return batchOf(schema, columns, total);
}

function keyIndex(schema: Schema, name: string, side: string): number {
  const i = schema.fields.findIndex((f) => f.name === name);
  if (i === -1) throw new UnknownColumnError(`${side}.${name}`, schema.fields.map((f) => f.name));
  if (columnKind(schema.fields[i].type).kind === 'other') throw new InvalidQueryError(`Cannot join on "${name}": its type has no comparable values.`);
  return i;
}

/** Joins `left` and `right` on a key; left columns first, then right ones (the right key dropped when named alike). */
export async function join(left: JoinInput, right: JoinInput, options: JoinOptions): Promise<Table> {
  const on: unknown = options?.on;
  const valid = typeof on === 'string' || (Array.isArray(on) && on.length === 2 && on.every((k) => typeof k === 'string'));
  if (!valid) throw new InvalidQueryError("join needs { on: 'key' } or { on: ['leftKey', 'rightKey'] }.");
  const [leftKey, rightKey] = typeof options.on === 'string' ? [options.on, options.on] : options.on;
  const type = options.type ?? 'inner';
  if (type !== 'inner' && type !== 'left') throw new InvalidQueryError(`Join type must be 'inner' or 'left', got '${String(type)}'.`);
  const suffix = options.suffix ?? '_right';
  const [l, r] = await Promise.all([gather(left), gather(right)]);
  const lk = keyIndex(l.schema, leftKey, 'left');
  const rk = keyIndex(r.schema, rightKey, 'right');

  const leftNames = new Set(l.schema.fields.map((f) => f.name));
  const rightCols = r.schema.fields.map((f, i) => ({ f, i })).filter(({ f, i }) => !(i === rk && f.name === leftKey));
  const fields = [
    ...l.schema.fields.map((f) => new Field(f.name, f.type, true)),
    ...rightCols.map(({ f }) => new Field(leftNames.has(f.name) ? `${f.name}${suffix}` : f.name, f.type, true)),
  ];
  const out = new Schema(fields);

  const rows = (bs: RecordBatch[]) => bs.reduce((n, b) => n + b.numRows, 0);
  const buildLeft = rows(l.batches) < rows(r.batches);
  const build = buildLeft ? concat(l.schema, l.batches) : concat(r.schema, r.batches);
  const buildKey = readerOf((build.data.children as Data[])[buildLeft ? lk : rk]);
  const table = new Map<string, number[]>();
  for (let i = 0; i < build.numRows; i++) {
    const v = buildKey(i);
    if (v === null) continue;
    const k = domainKey(v);
    const list = table.get(k);
    if (list) list.push(i);
    else table.set(k, [i]);
  }

  const emit = (leftBatch: RecordBatch, leftRows: number[], rightBatch: RecordBatch, rightRows: number[]): RecordBatch => {
    const li = Int32Array.from(leftRows);
    const ri = Int32Array.from(rightRows);
    const lc = (leftBatch.data.children as Data[]).map((d) => takeData(d, li));
    const rc = rightCols.map(({ i }) => takeData((rightBatch.data.children as Data[])[i], ri));
    return batchOf(out, [...lc, ...rc], li.length);
  };

  const result: RecordBatch[] = [];
  const probes = buildLeft ? r.batches : l.batches;
  const matched = buildLeft ? new Uint8Array(build.numRows) : undefined;
  for (const probe of probes) {
    const probeKey = readerOf((probe.data.children as Data[])[buildLeft ? rk : lk]);
    const pRows: number[] = [];
    const bRows: number[] = [];
    for (let p = 0; p < probe.numRows; p++) {
      const v = probeKey(p);
      const hits = v === null ? undefined : table.get(domainKey(v));
      if (hits) {
        for (const h of hits) {
          pRows.push(p);
          bRows.push(h);
          if (matched) matched[h] = 1;
        }
      } else if (!buildLeft && type === 'left') {
        pRows.push(p);
        bRows.push(-1);
      }
    }
    if (pRows.length === 0) continue;
    result.push(buildLeft ? emit(build, bRows, probe, pRows) : emit(probe, pRows, build, bRows));
  }
  if (matched && type === 'left') {
    const unmatched: number[] = [];
    for (let i = 0; i < matched.length; i++) if (!matched[i]) unmatched.push(i);
    if (unmatched.length > 0) result.push(emit(build, unmatched, r.batches[0] ?? concat(r.schema, []), unmatched.map(() => -1)));
  }
  return result.length > 0 ? new Table(result) : new Table(out);
}
