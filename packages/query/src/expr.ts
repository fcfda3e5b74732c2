// Filter expressions as plain data, and the builder functions that make them:
// `and(col('country').eq('US'), col('cost').gt(0.5))`.

/** A literal: strings, numbers, bigints, booleans, Dates (timestamps), or typed literals from text. */
export type Literal =
  | string
  | number
  | bigint
  | boolean
  | Date
  | { kind: 'timestamp'; text: string }
  | { kind: 'date'; text: string }
  | { kind: 'decimal'; text: string };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { type: 'compare'; op: CompareOp; column: string; value: Literal }
  | { type: 'in'; column: string; values: Literal[]; negated?: boolean }
  | { type: 'null'; column: string; negated?: boolean }
  | { type: 'between'; column: string; low: Literal; high: Literal }
  | { type: 'and'; children: Expr[] }
  | { type: 'or'; children: Expr[] }
  | { type: 'not'; child: Expr };

/** A column reference with comparison methods. */
export interface ColumnRef {
  readonly name: string;
  eq(value: Literal): Expr;
  ne(value: Literal): Expr;
  lt(value: Literal): Expr;
  le(value: Literal): Expr;
  gt(value: Literal): Expr;
  ge(value: Literal): Expr;
  in(values: readonly Literal[]): Expr;
  notIn(values: readonly Literal[]): Expr;
  between(low: Literal, high: Literal): Expr;
  isNull(): Expr;
  isNotNull(): Expr;
}

export function col(name: string): ColumnRef {
  const cmp = (op: CompareOp) => (value: Literal): Expr => ({ type: 'compare', op, column: name, value });
  return {
    name,
    eq: cmp('='),
    ne: cmp('!='),
    lt: cmp('<'),
    le: cmp('<='),
    gt: cmp('>'),
    ge: cmp('>='),
    in: (values) => ({ type: 'in', column: name, values: [...values] }),
    notIn: (values) => ({ type: 'in', column: name, values: [...values], negated: true }),
    between: (low, high) => ({ type: 'between', column: name, low, high }),
    isNull: () => ({ type: 'null', column: name }),
    isNotNull: () => ({ type: 'null', column: name, negated: true }),
  };
}

export function and(...children: Expr[]): Expr {
  return children.length === 1 ? children[0] : { type: 'and', children };
}

export function or(...children: Expr[]): Expr {
  return children.length === 1 ? children[0] : { type: 'or', children };
}

export function not(child: Expr): Expr {
  return { type: 'not', child };
}

/** A timestamp literal from ISO-8601 text, kept exact to the microsecond or nanosecond. */
export function timestamp(text: string): Literal {
  return { kind: 'timestamp', text };
}

/** A date literal, `YYYY-MM-DD`. */
export function date(text: string): Literal {
  return { kind: 'date', text };
}

/** An exact decimal literal, e.g. `decimal('12.345')`. */
export function decimal(text: string): Literal {
  return { kind: 'decimal', text };
}

/** Names of the columns an expression reads. */
export function exprColumns(expr: Expr, out = new Set<string>()): Set<string> {
  switch (expr.type) {
    case 'and':
    case 'or':
      for (const c of expr.children) exprColumns(c, out);
      break;
    case 'not':
      exprColumns(expr.child, out);
      break;
    default:
      out.add(expr.column);
  }
  return out;
}

function literalText(v: Literal): string {
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `timestamp '${v.toISOString()}'`;
  return v.kind === 'decimal' ? v.text : `${v.kind} '${v.text}'`;
}

/** The expression in the text syntax `parseExpr` reads. */
export function formatExpr(expr: Expr): string {
  switch (expr.type) {
    case 'compare':
      return `${expr.column} ${expr.op} ${literalText(expr.value)}`;
    case 'in':
      return `${expr.column} ${expr.negated ? 'not in' : 'in'} (${expr.values.map(literalText).join(', ')})`;
    case 'null':
      return `${expr.column} is ${expr.negated ? 'not null' : 'null'}`;
    case 'between':
      return `${expr.column} between ${literalText(expr.low)} and ${literalText(expr.high)}`;
    case 'and':
    case 'or':
      return expr.children.map((c) => (c.type === 'and' || c.type === 'or' ? `(${formatExpr(c)})` : formatExpr(c))).join(` ${expr.type} `);
    case 'not':
      return `not (${formatExpr(expr.child)})`;
  }
}
