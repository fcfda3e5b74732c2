// Record transforms that run before validation: flattening nested events (objects into `a_b`
// columns, chosen arrays exploded into one row each), derived columns, and helpers for the most
// common derivation, a `dt` partition date from an event time.

import type { Row } from '@lake/core';
import { parseIsoTimestamp } from './validate.js';

export interface FlattenOptions {
  /** Joins parent and child names (default `_`: `{geo: {country}}` -> `geo_country`). */
  separator?: string;
  /** Array fields whose elements (objects) become one row each, merged with the parent's fields. */
  explode?: readonly string[];
  /** Keep the array field's name as a prefix of its elements' fields (default true: `items_sku`). */
  prefixExploded?: boolean;
  /** Objects nested deeper than this stay as they are (default: no limit). */
  maxDepth?: number;
  /** Fields left nested (e.g. a struct column the table keeps). */
  keep?: readonly string[];
}

function isPlainObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function flattenObject(value: Row, prefix: string, depth: number, options: FlattenOptions, out: Row): void {
  const sep = options.separator ?? '_';
  const keep = new Set(options.keep ?? []);
  for (const [k, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}${sep}${k}` : k;
    if (isPlainObject(v) && !keep.has(name) && (options.maxDepth === undefined || depth < options.maxDepth)) {
      flattenObject(v, name, depth + 1, options, out);
    } else out[name] = v;
  }
}

/**
 * Flattens one record into one or more rows. Exploding several arrays yields their cross
 * product; an empty or missing exploded array yields the parent row once, with no element fields.
 */
export function flattenRecord(record: Row, options: FlattenOptions = {}): Row[] {
  const explode = options.explode ?? [];
  const parent: Row = {};
  const arrays: [string, unknown[]][] = [];
  for (const [k, v] of Object.entries(record)) {
    if (explode.includes(k) && Array.isArray(v)) arrays.push([k, v]);
    else if (explode.includes(k) && (v === null || v === undefined)) continue;
    else parent[k] = v;
  }
  const flatParent: Row = {};
  flattenObject(parent, '', 0, options, flatParent);
  let rows: Row[] = [flatParent];
  for (const [name, items] of arrays) {
    if (items.length === 0) continue;
    const next: Row[] = [];
    for (const row of rows) {
      for (const item of items) {
        const out: Row = { ...row };
        const prefix = options.prefixExploded === false ? '' : name;
        if (isPlainObject(item)) flattenObject(item, prefix, 1, options, out);
        else out[prefix || name] = item;
        next.push(out);
      }
    }
    rows = next;
  }
  return rows;
}

/** Computes a column from the record (after flattening); a throw quarantines the record. */
export type Derivation = (record: Row) => unknown;

/** Epoch milliseconds of an event time: Date, ISO-8601 text, or epoch number (s/ms/us/ns by magnitude). */
export function eventTimeMillis(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'bigint') return eventTimeMillis(Number(value));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const a = Math.abs(value);
    return a < 1e11 ? value * 1000 : a < 1e14 ? value : a < 1e17 ? value / 1000 : value / 1e6;
  }
  if (typeof value === 'string') {
    if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return eventTimeMillis(Number(value));
    const ms = parseIsoTimestamp(value, 1);
    return ms === undefined ? undefined : Number(ms);
  }
  return undefined;
}

/**
 * A derivation of the UTC date `YYYY-MM-DD` of the event time in `field` (null when the time is
 * missing or unparsable, so validation reports the time itself). The usual `dt` partition column.
 */
export function dateOf(field: string): Derivation {
  return (record) => {
    const ms = eventTimeMillis(record[field]);
    if (ms === undefined) return null;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
  };
}

/** A derivation of the UTC hour `YYYY-MM-DD-HH` of the event time in `field`. */
export function hourOf(field: string): Derivation {
  return (record) => {
    const ms = eventTimeMillis(record[field]);
    if (ms === undefined) return null;
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? null : `${d.toISOString().slice(0, 10)}-${d.toISOString().slice(11, 13)}`;
  };
}
