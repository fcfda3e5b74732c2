// Whether this build of lake writes merge-on-read tables: tried, not assumed, so the suite runs
// before and after that support lands.

import { InvalidWriteError } from '@lake/core';
import { eventTable } from '../data.js';
import { removeDir, scratch } from '../fs-util.js';
import { lakeCreate } from '../lake.js';

export interface Support {
  supported: boolean;
  reason?: string;
}

let cached: Promise<Support> | undefined;

export function morSupport(): Promise<Support> {
  cached ??= (async () => {
    const dir = await scratch('mor-probe');
    try {
      const { table } = await lakeCreate(dir, { type: 'mor' });
      await table.insert(eventTable(0, 10));
      await table.upsert(eventTable(5, 10));
      return { supported: true };
    } catch (e) {
      if (e instanceof InvalidWriteError) return { supported: false, reason: e.message };
      throw e;
    } finally {
      await removeDir(dir);
    }
  })();
  return cached;
}
