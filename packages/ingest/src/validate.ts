// Schema-first validation of records against the target table's Arrow schema. Safe coercions
// (numeric text -> numbers, ISO text or epoch numbers -> timestamps) are applied and counted;
// anything else that does not fit is a reason to quarantine the record.

import { DataType, Type, type Field, type Schema } from 'apache-arrow';
import type { Row } from '@lake/core';

export type EpochUnit = 'auto' | 's' | 'ms' | 'us' | 'ns';

export interface ValidationOptions {
  /** Fields that must have a value even where the schema says nullable (record key, ordering, partition fields). */
  required?: readonly string[];
  /** Fields a record has that the schema lacks: quarantine the record (default) or drop the field. */
  unknownFields?: 'reject' | 'drop';
  /** Accept NaN and infinities in floating-point columns (default false: they are invalid). */
  allowNaN?: boolean;
  /** Unit of epoch numbers given for timestamp columns; `auto` (default) guesses from the magnitude. */
  epochUnit?: EpochUnit;
}

export type ValidationResult =
  | { ok: true; value: Row; coerced: number }
  | { ok: false; reasons: string[] };

export type Validator = (record: unknown) => ValidationResult;

interface Ctx {
  reasons: string[];
  coerced: number;
  options: ValidationOptions;
  /** See createBatchValidator: safe 64-bit integers stay numbers, unchanged records are returned as given. */
  lean: boolean;
}

const perSecond: Record<number, bigint> = { 0: 1n, 1: 1000n, 2: 1000000n, 3: 1000000000n };
const unitPerSecond: Record<Exclude<EpochUnit, 'auto'>, bigint> = { s: 1n, ms: 1000n, us: 1000000n, ns: 1000000000n };
// Years 0001..9999 in milliseconds: what Hudi's readers (and Java's Instant formatting) accept.
const minMillis = -62135596800000; // 0001-01-01T00:00:00Z
const maxMillis = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return value.toString();
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
  } catch {
    return String(value);
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

/** Epoch count in `unit` (Arrow TimeUnit 0..3) of an ISO-8601 text, or undefined when it is not one. */
export function parseIsoTimestamp(text: string, unit: number): bigint | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = m;
  const offset = zone === 'Z' || zone === 'z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const millis = Date.parse(`${y}-${mo}-${d}T${hh}:${mm}:${ss}${offset}`);
  if (Number.isNaN(millis)) return undefined;
  // Date.parse rolls over impossible dates (Feb 30) in some engines; reject them.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  const per = perSecond[unit] ?? 1000n;
  const seconds = BigInt(Math.floor(millis / 1000));
  const fraction = BigInt((frac + '000000000').slice(0, 9));
  return seconds * per + (fraction * per) / 1000000000n;
}

function epochUnitOf(n: number, configured: EpochUnit): Exclude<EpochUnit, 'auto'> {
  if (configured !== 'auto') return configured;
  const a = Math.abs(n);
  if (a < 1e11) return 's';
  if (a < 1e14) return 'ms';
  if (a < 1e17) return 'us';
  return 'ns';
}

function checkTimestamp(value: unknown, unit: number, path: string, ctx: Ctx): bigint | undefined {
  const per = perSecond[unit] ?? 1000n;
  let out: bigint | undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      ctx.reasons.push(`${path}: invalid Date`);
      return undefined;
    }
    out = (BigInt(value.getTime()) * per) / 1000n;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return checkTimestamp(Number(text), unit, path, ctx);
    out = parseIsoTimestamp(text, unit);
    if (out === undefined) {
      ctx.reasons.push(`${path}: ${shown(value)} is not a timestamp (ISO-8601 or epoch number)`);
      return undefined;
    }
    ctx.coerced++;
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      ctx.reasons.push(`${path}: ${shown(value)} is not a timestamp`);
      return undefined;
    }
    const from = epochUnitOf(Number(value), ctx.options.epochUnit ?? 'auto');
    const whole = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    out = (whole * per) / unitPerSecond[from];
    if (unitPerSecond[from] !== per) ctx.coerced++;
  } else {
    ctx.reasons.push(`${path}: expected a timestamp, got ${kind(value)} ${shown(value)}`);
    return undefined;
  }
  const millis = Number((out * 1000n) / per);
  if (millis < minMillis || millis > maxMillis) {
    ctx.reasons.push(`${path}: ${shown(value)} is out of range for a timestamp (years 0001 to 9999)`);
    return undefined;
  }
  return out;
}

function checkNumber(value: unknown, path: string, ctx: Ctx): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    ctx.coerced++;
    return Number(value);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text !== '' && !Number.isNaN(Number(text))) {
      ctx.coerced++;
      return Number(text);
    }
    if (/^[+-]?(NaN|Infinity)$/i.test(text)) {
      ctx.coerced++;
      return text.toLowerCase().includes('nan') ? NaN : text.startsWith('-') ? -Infinity : Infinity;
    }
  }
  ctx.reasons.push(`${path}: expected a number, got ${kind(value)} ${shown(value)}`);
  return undefined;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function checkInt(value: unknown, bitWidth: number, signed: boolean, path: string, ctx: Ctx): number | bigint | undefined {
  const name = `${signed ? 'int' : 'uint'}${bitWidth}`;
  if (bitWidth === 64) {
    // Exact as a double, and in range for any 64-bit integer (unsigned: when not negative).
    if (ctx.lean && typeof value === 'number' && Number.isSafeInteger(value) && (signed || value >= 0)) return value;
    let big: bigint;
    if (typeof value === 'bigint') big = value;
    else if (typeof value === 'number') {
      if (!Number.isInteger(value)) {
        ctx.reasons.push(`${path}: ${shown(value)} is not an integer`);
        return undefined;
      }
      if (!Number.isSafeInteger(value)) {
        ctx.reasons.push(`${path}: ${shown(value)} is beyond 2^53 and lost precision as a JSON number; send it as a string`);
        return undefined;
      }
      big = BigInt(value);
    } else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
      big = BigInt(value.trim());
      ctx.coerced++;
    } else {
      ctx.reasons.push(`${path}: expected an integer, got ${kind(value)} ${shown(value)}`);
      return undefined;
    }
    if (big < (signed ? INT64_MIN : 0n) || big > (signed ? INT64_MAX : UINT64_MAX)) {
      ctx.reasons.push(`${path}: ${shown(value)} is out of range for ${name}`);
      return undefined;
    }
    return big;
  }
  const n = typeof value === 'number' ? value : checkNumber(value, path, ctx);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n)) {
    ctx.reasons.push(`${path}: ${shown(value)} is not an integer`);
    return undefined;
  }
  const limit = 2 ** (signed ? bitWidth - 1 : bitWidth);
  if (n >= limit || n < (signed ? -limit : 0)) {
    ctx.reasons.push(`${path}: ${shown(value)} is out of range for ${name}`);
    return undefined;
  }
  return n;
}

function checkValue(type: DataType, value: unknown, path: string, ctx: Ctx): unknown {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        ctx.coerced++;
        return String(value);
      }
      ctx.reasons.push(`${path}: expected a string, got ${kind(value)} ${shown(value)}`);
      return undefined;
    case Type.Bool:
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') {
        ctx.coerced++;
        return value === 'true';
      }
      ctx.reasons.push(`${path}: expected a boolean, got ${kind(value)} ${shown(value)}`);
      return undefined;
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      return checkInt(value, bitWidth, isSigned, path, ctx);
    }
    case Type.Float: {
      const n = checkNumber(value, path, ctx);
      if (n === undefined) return undefined;
      if (!Number.isFinite(n) && !ctx.options.allowNaN) {
        ctx.reasons.push(`${path}: ${shown(value)} is not a finite number`);
        return undefined;
      }
      const precision = (type as unknown as { precision: number }).precision;
      if (precision === 1 && Number.isFinite(n) && Math.abs(n) > 3.4028234663852886e38) {
        ctx.reasons.push(`${path}: ${shown(value)} is out of range for float32`);
        return undefined;
      }
      return n;
    }
    case Type.Decimal: {
      const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
      if (typeof text === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return text.trim();
      ctx.reasons.push(`${path}: expected a decimal number, got ${kind(value)} ${shown(value)}`);
      return undefined;
    }
    case Type.Timestamp:
      return checkTimestamp(value, (type as unknown as { unit: number }).unit, path, ctx);
    case Type.Date: {
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string') {
        const day = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? value.trim() : undefined;
        if (day && parseIsoTimestamp(day, 1) !== undefined) return day;
        const ts = parseIsoTimestamp(value, 1);
        if (ts !== undefined) {
          ctx.coerced++;
          return new Date(Number(ts)).toISOString().slice(0, 10);
        }
      }
      ctx.reasons.push(`${path}: expected a date (YYYY-MM-DD), got ${kind(value)} ${shown(value)}`);
      return undefined;
    }
    case Type.Struct: {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.reasons.push(`${path}: expected an object, got ${kind(value)} ${shown(value)}`);
        return undefined;
      }
      return checkFields(type.children, value as Row, path, ctx);
    }
    case Type.List: {
      if (!Array.isArray(value)) {
        ctx.reasons.push(`${path}: expected an array, got ${kind(value)} ${shown(value)}`);
        return undefined;
      }
      const child = type.children[0];
      return value.map((item, i) => (item === null || item === undefined ? null : checkValue(child.type, item, `${path}[${i}]`, ctx)));
    }
    default:
      return value;
  }
}

/** Names of a field list, built once per list rather than once per record. */
const fieldNames = new WeakMap<readonly Field[], Set<string>>();
/** The paths of a field list's fields under each prefix, built once rather than once per record. */
const fieldPaths = new WeakMap<readonly Field[], Map<string, string[]>>();

function pathsOf(fields: readonly Field[], prefix: string): string[] {
  let byPrefix = fieldPaths.get(fields);
  if (!byPrefix) {
    byPrefix = new Map();
    fieldPaths.set(fields, byPrefix);
  }
  let paths = byPrefix.get(prefix);
  if (!paths) {
    paths = fields.map((f) => `${prefix}${prefix ? '.' : ''}${f.name}`);
    // Prefixes with list positions in them are many: only a bounded number is kept.
    if (byPrefix.size < 64) byPrefix.set(prefix, paths);
  }
  return paths;
}

function checkFields(fields: readonly Field[], record: Row, prefix: string, ctx: Ctx, required?: ReadonlySet<string>): Row {
  let known = fieldNames.get(fields);
  if (!known) {
    known = new Set(fields.map((f) => f.name));
    fieldNames.set(fields, known);
  }
  const paths = pathsOf(fields, prefix);
  let unknown = false;
  for (const name in record) {
    if (known.has(name) || !Object.hasOwn(record, name)) continue;
    unknown = true;
    if ((ctx.options.unknownFields ?? 'reject') === 'reject' && record[name] !== undefined) {
      ctx.reasons.push(`${prefix}${prefix ? '.' : ''}${name}: unknown field (known: ${[...known].join(', ')})`);
    }
  }
  // Lean: the record itself while every value is kept as given (a missing value reads as null);
  // a copy from the first value that changes, or when unknown fields are to be dropped.
  let out: Row | undefined = ctx.lean && !unknown ? undefined : {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const value = record[f.name];
    let result: unknown = null;
    if (value === null || value === undefined) {
      if (!f.nullable || required?.has(f.name)) ctx.reasons.push(`${paths[i]}: missing required field`);
    } else {
      const checked = checkValue(f.type, value, paths[i], ctx);
      if (checked !== undefined) result = checked;
    }
    if (out) out[f.name] = result;
    else if (result !== value && !(result === null && value === undefined)) {
      out = {};
      for (let j = 0; j < i; j++) out[fields[j].name] = record[fields[j].name] ?? null;
      out[f.name] = result;
    }
  }
  return out ?? record;
}

/** A validator for records of `schema` (data columns only; meta columns are ignored). */
export function createValidator(schema: Schema, options: ValidationOptions = {}): Validator {
  return validatorOf(schema, options, false);
}

/**
 * The validator of an ingestion batch, whose values go straight to `rowsToTable`: the same checks
 * and coercions, but 64-bit integers given as safe integer numbers stay numbers (rowsToTable
 * stores them exactly), and a record whose values all stay as given is returned itself, with
 * missing nullable fields left missing. No object or BigInt per record for well-formed input.
 */
export function createBatchValidator(schema: Schema, options: ValidationOptions = {}): Validator {
  return validatorOf(schema, options, true);
}

function validatorOf(schema: Schema, options: ValidationOptions, lean: boolean): Validator {
  const fields = schema.fields.filter((f) => !f.name.startsWith('_hoodie_'));
  const required = new Set(options.required ?? []);
  return (record) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return { ok: false, reasons: [`expected a record (object), got ${kind(record)}`] };
    }
    const ctx: Ctx = { reasons: [], coerced: 0, options, lean };
    const value = checkFields(fields, record as Row, '', ctx, required);
    if (ctx.reasons.length > 0) return { ok: false, reasons: ctx.reasons };
    return { ok: true, value, coerced: ctx.coerced };
  };
}
