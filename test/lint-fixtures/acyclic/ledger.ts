// The same two modules as ../cycle, with the import going one way only.
import { entryAmount } from './entry.js';

export function ledgerTotal(amounts: number[]): number {
  return amounts.reduce((sum, a) => sum + entryAmount(a), 0);
}
