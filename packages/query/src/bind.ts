// Binds an expression to a table schema: checks every column exists, turns literals into the
// column's comparable domain (exactly, for decimals and sub-millisecond timestamps), and pushes
// negations down to the leaves so pruning and row filtering see only and/or of predicates.

import type { Schema } from 'apache-arrow';
import { ExpressionTypeError, UnknownColumnError } from './errors.js';
import type { CompareOp, Expr, Literal } from './expr.js';
import { columnKind, type ColumnKind, type DomainValue } from './values.js';

interface BoundLeafBase {
  column: string;
  kind: ColumnKind;
  /**
   * Column values are multiplied by this before comparing (bigint domains), when a literal is
   * finer than the column: a decimal with more digits, a timestamp below the column's unit.
   */
  mul: bigint;
}

export type Bound =
  | (BoundLeafBase & { type: 'compare'; op: CompareOp; value: DomainValue })
  | (BoundLeafBase & { type: 'in'; values: DomainValue[]; negated: boolean })
  | (BoundLeafBase & { type: 'null'; negated: boolean })
  | { type: 'and'; children: Bound[] }
  | { type: 'or'; children: Bound[] }
  | { type: 'const'; value: boolean };

/** Rejects values that are not expression nodes (e.g. from untyped callers) with a typed error. */
function checkNode(expr: unknown): asserts expr is Expr {
  const e = expr as { type?: unknown; children?: unknown; child?: unknown } | null;
  const ok =
    typeof e === 'object' &&
    e !== null &&
    ((e.type === 'and' || e.type === 'or') ? Array.isArray(e.children) && e.children.length > 0 : e.type === 'not' ? typeof e.child === 'object' : typeof (e as { column?: unknown }).column === 'string');
  if (!ok) {
    throw new ExpressionTypeError(
      `Not a filter expression: ${JSON.stringify(expr, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? String(expr)}. Build filters with col(), and(), or(), not() or parseExpr().`,
    );
  }
}

const NEGATE: Record<CompareOp, CompareOp> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** Rewrites `not` away (SQL three-valued logic is preserved: a null stays unmatched both ways). */
function pushNot(expr: Expr, negate = false): Expr {
  checkNode(expr);
  switch (expr.type) {
    case 'not':
      return pushNot(expr.child, !negate);
    case 'and':
    case 'or': {
      const children = expr.children.map((c) => pushNot(c, negate));
      const type = negate ? (expr.type === 'and' ? 'or' : 'and') : expr.type;
      return { type, children };
    }
    case 'compare':
      return negate ? { ...expr, op: NEGATE[expr.op] } : expr;
    case 'in':
      return negate ? { ...expr, negated: !expr.negated } : expr;
    case 'null':
      return negate ? { ...expr, negated: !expr.negated } : expr;
    case 'between':
      if (!negate) {
        return { type: 'and', children: [{ type: 'compare', op: '>=', column: expr.column, value: expr.low }, { type: 'compare', op: '<=', column: expr.column, value: expr.high }] };
      }
      return { type: 'or', children: [{ type: 'compare', op: '<', column: expr.column, value: expr.low }, { type: 'compare', op: '>', column: expr.column, value: expr.high }] };
    default:
      return expr;
  }
}

interface Exact {
  /** The value times 10^scale, when it is a finite decimal number. */
  unscaled: bigint;
  scale: number;
}

function decimalText(text: string): Exact | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  let unscaled = BigInt(`${m[2] || '0'}${frac}`);
  let scale = frac.length - Number(m[4] ?? 0);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, scale };
}

function exactOf(v: Literal): Exact | undefined {
  if (typeof v === 'bigint') return { unscaled: v, scale: 0 };
  if (typeof v === 'number') return Number.isFinite(v) ? decimalText(String(v)) : undefined;
  if (typeof v === 'string') return decimalText(v);
  if (typeof v === 'object' && !(v instanceof Date) && v.kind === 'decimal') return decimalText(v.text);
  return undefined;
}

function numberOf(v: Literal): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const text = typeof v === 'string' ? v : typeof v === 'object' && !(v instanceof Date) && v.kind === 'decimal' ? v.text : undefined;
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

const DAY_MS = 86_400_000;

/** Nanoseconds since the epoch of an ISO-8601 date or date-time (Z or offset; UTC when none). */
function parseTimestampNanos(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d)) return undefined;
  let nanos = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    nanos -= sign * offsetMin * 60_000_000_000n;
  }
  return nanos;
}

function timestampNanos(v: Literal): bigint | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : BigInt(v.getTime()) * 1_000_000n;
  if (typeof v === 'string') return parseTimestampNanos(v);
  if (typeof v === 'object' && (v.kind === 'timestamp' || v.kind === 'date')) return parseTimestampNanos(v.text);
  return undefined;
}

function describe(v: Literal): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return `${v.kind} '${v.text}'`;
  return String(v);
}

/** Literals of one leaf, converted together (they share the multiplier). */
function convert(column: string, kind: ColumnKind, literals: Literal[]): { values: DomainValue[]; mul: bigint } {
  const fail = (v: Literal, what: string): never => {
    throw new ExpressionTypeError(`Column "${column}" holds ${what}; ${describe(v)} is not one. Write a ${what.replace(/s$/, '')} literal.`);
  };
  switch (kind.kind) {
    case 'int':
    case 'float':
      return { values: literals.map((v) => numberOf(v) ?? fail(v, 'numbers')), mul: 1n };
    case 'date':
      return {
        values: literals.map((v) => {
          const ns = timestampNanos(v) ?? fail(v, "dates ('YYYY-MM-DD')");
          return Number(ns / 1_000_000n) / DAY_MS;
        }),
        mul: 1n,
      };
    case 'bigint':
    case 'decimal': {
      const colScale = kind.scale ?? 0;
      const exact = literals.map((v) => exactOf(v) ?? fail(v, kind.kind === 'decimal' ? 'decimals' : 'integers'));
      const scale = Math.max(colScale, ...exact.map((e) => e.scale));
      return { values: exact.map((e) => e.unscaled * 10n ** BigInt(scale - e.scale)), mul: 10n ** BigInt(scale - colScale) };
    }
    case 'timestamp': {
      const unitNs = 10n ** BigInt(9 - (kind.unitDigits ?? 3));
      const nanos = literals.map((v) => {
        if (typeof v === 'number' || typeof v === 'bigint') return BigInt(v) * unitNs;
        return timestampNanos(v) ?? fail(v, "timestamps (timestamp '2024-01-01T00:00:00Z')");
      });
      if (nanos.every((n) => n % unitNs === 0n)) return { values: nanos.map((n) => n / unitNs), mul: 1n };
      return { values: nanos, mul: unitNs };
    }
    case 'string':
      return { values: literals.map((v) => (typeof v === 'string' ? v : typeof v === 'object' && !(v instanceof Date) ? v.text : fail(v, 'strings'))), mul: 1n };
    case 'bool':
      return {
        values: literals.map((v) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : fail(v, 'booleans'))),
        mul: 1n,
      };
    default:
      throw new ExpressionTypeError(`Column "${column}" has a type filters cannot compare; filter on its null-ness only (is null / is not null).`);
  }
}

/** Binds an expression to a schema; throws UnknownColumnError / ExpressionTypeError. */
export function bindExpr(expr: Expr, schema: Schema): Bound {
  const fields = new Map(schema.fields.map((f) => [f.name, f]));
  const names = schema.fields.map((f) => f.name);
  const kindOf = (column: string): ColumnKind => {
    const f = fields.get(column);
    if (!f) throw new UnknownColumnError(column, names);
    return columnKind(f.type);
  };
  const bind = (e: Expr): Bound => {
    switch (e.type) {
      case 'and':
      case 'or':
        return { type: e.type, children: e.children.map(bind) };
      case 'not':
        return bind(pushNot(e));
      case 'between':
        return bind(pushNot(e));
      case 'null':
        return { type: 'null', column: e.column, kind: kindOf(e.column), mul: 1n, negated: e.negated === true };
      case 'compare': {
        if (!(e.op in NEGATE)) throw new ExpressionTypeError(`Unknown comparison "${String(e.op)}"; use one of = != < <= > >=.`);
        const kind = kindOf(e.column);
        const { values, mul } = convert(e.column, kind, [e.value]);
        return { type: 'compare', op: e.op, column: e.column, kind, mul, value: values[0] };
      }
      case 'in': {
        const kind = kindOf(e.column);
        if (e.values.length === 0) return e.negated ? { type: 'null', column: e.column, kind, mul: 1n, negated: true } : { type: 'const', value: false };
        const { values, mul } = convert(e.column, kind, e.values);
        return { type: 'in', column: e.column, kind, mul, values, negated: e.negated === true };
      }
      default:
        checkNode(undefined);
        throw new ExpressionTypeError('Not a filter expression.');
    }
  };
  return bind(pushNot(expr));
}
