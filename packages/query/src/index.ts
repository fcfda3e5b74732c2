// @lake/query public API: filtered, pruned, streaming scans of lake tables, aggregations and
// joins over them. DuckDB integration is a separate entry point, `@lake/query/duckdb`.

export { scan, Scan, emptyScanStats, type ScanStats } from './scan.js';
export {
  col,
  and,
  or,
  not,
  timestamp,
  date,
  decimal,
  exprColumns,
  formatExpr,
  type Expr,
  type Literal,
  type CompareOp,
  type ColumnRef,
} from './expr.js';
export { parseExpr } from './parse.js';
export { ExpressionSyntaxError, UnknownColumnError, ExpressionTypeError, InvalidQueryError } from './errors.js';
export { GroupedScan } from './scan.js';
export {
  aggregate,
  count,
  sum,
  min,
  max,
  avg,
  countDistinct,
  approxCountDistinct,
  type AggSpec,
  type AggFunction,
  type BatchSource,
} from './aggregate.js';
export { createHyperLogLog, type HyperLogLog } from './hll.js';
export { join, type JoinInput, type JoinOptions } from './join.js';
