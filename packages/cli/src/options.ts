// Small parsers shared by the commands' options.

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
