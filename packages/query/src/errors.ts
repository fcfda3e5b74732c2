// Typed errors of the query package: bad filter text, unknown columns, expressions that do not
// fit a column's type, and misuse of the scan, aggregation and join builders.

import { LakeError } from '@lake/storage';

/** Filter text that does not parse; points at the offending token with a caret. */
export class ExpressionSyntaxError extends LakeError {
  readonly position: number;
  readonly token: string;
  constructor(text: string, position: number, token: string, expected: string) {
    const shown = token === '' ? 'end of input' : `"${token}"`;
    super(
      'QUERY_SYNTAX',
      `Cannot parse filter at position ${position + 1}: unexpected ${shown}, expected ${expected}.\n  ${text}\n  ${' '.repeat(position)}^`,
    );
    this.position = position;
    this.token = token;
  }
}

/** A column the table does not have. */
export class UnknownColumnError extends LakeError {
  readonly column: string;
  constructor(column: string, available: readonly string[]) {
    super('QUERY_UNKNOWN_COLUMN', `Unknown column "${column}"; the table has: ${available.join(', ')}.`);
    this.column = column;
  }
}

/** An expression whose literal does not fit its column's type, or a type that cannot be compared. */
export class ExpressionTypeError extends LakeError {
  constructor(message: string) {
    super('QUERY_TYPE', message);
  }
}

/** A scan, aggregation or join used in a way it does not support. */
export class InvalidQueryError extends LakeError {
  constructor(message: string) {
    super('QUERY_INVALID', message);
  }
}
