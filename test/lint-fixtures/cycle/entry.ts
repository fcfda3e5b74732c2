import { ledgerTotal } from './ledger.js';

export function entryAmount(a: number): number {
  return a;
}

export function runningTotal(amounts: number[]): number {
  return ledgerTotal(amounts);
}
