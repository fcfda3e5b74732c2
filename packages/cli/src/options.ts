// Small parsers and value lists of the commands' options. Kept free of the engine packages so that
// building the command line (and `lake --help`) loads nothing heavy.

import { InvalidArgumentError } from 'commander';

/** `a,b , c` -> ['a', 'b', 'c']; undefined -> []. */
export function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** For repeatable options taking comma lists: `--x a,b --x c` -> ['a', 'b', 'c']. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...list(value)];
}

/** A probability strictly between 0 and 1. */
export function probability(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a probability between 0 and 1 (exclusive), e.g. 0.01');
  return n;
}

/** `--max-invalid`: a count (0, 1, 2, ...) or a fraction in (0, 1). */
export function invalidLimit(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n >= 1 && !Number.isInteger(n))) {
    throw new InvalidArgumentError('expected a count (0, 1, 2, ...) or a fraction between 0 and 1');
  }
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** `dt=ts`: column dt holds the UTC date of field ts. Repeatable. */
export function collectDerive(value: string, previous: string[] = []): string[] {
  if (!/^[^=]+=[^=]+$/.test(value)) throw new InvalidArgumentError('expected column=timeField, e.g. dt=ts');
  return [...previous, value];
}

export const writeOperations = ['upsert', 'insert', 'delete', 'insert_overwrite', 'insert_overwrite_table'] as const;
export type WriteOp = (typeof writeOperations)[number];

export const compactionStrategies = ['num-commits', 'log-size', 'file-groups'] as const;

export type OutputFormat = 'ndjson' | 'csv' | 'table';
export const outputFormats: readonly OutputFormat[] = ['ndjson', 'csv', 'table'];
