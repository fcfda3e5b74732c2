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
