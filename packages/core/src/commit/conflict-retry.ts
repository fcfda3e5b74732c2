// Retrying a write that lost a conflict, as Hudi's `hoodie.write.num.retries.on.conflict.failures`
// does for a batch: a write that failed with ConflictError left nothing visible, so running it
// again from a fresh look at the timeline is the same write, now ordered after the other commit.

import type { TableConfig } from '../config/table-config.js';
import { ConflictError } from '../errors.js';

export const CONFLICT_RETRIES_KEY = 'hoodie.write.num.retries.on.conflict.failures';

/** The table's setting (Hudi's default: 0, no retries). */
export function tableConflictRetries(config: TableConfig): number {
  const value = Number(config.raw.get(CONFLICT_RETRIES_KEY) ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Runs `attempt` and, while it fails with ConflictError, again up to `retries` more times, after
 * a short random pause so that writers that collided do not collide again in step.
 */
export async function retryOnConflict<T>(retries: number, attempt: (n: number) => Promise<T>, random: () => number = Math.random): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof ConflictError) || n >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, (50 + random() * 200) * (n + 1)));
    }
  }
}
