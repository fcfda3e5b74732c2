// Publishing a completed instant is the commit point. A store can lose its answer to that
// conditional create after the object landed; cleaning up then would delete the files of a
// committed write. So the outcome is checked by reading the key back before anything is undone.
// The same bytes already there count as published: someone rolled this very commit forward.

import { NotFoundError, type ObjectStore } from '@lake/storage';

export type PublishOutcome = 'published' | 'taken' | 'failed' | 'unknown';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Creates `key` with `body` if absent: 'published' when this call's bytes are there, 'taken' when
 * someone else's are, 'failed' when the store failed and the key is still absent (nothing was
 * created: the caller may undo its work), 'unknown' when the store failed and reading back failed
 * too (the caller must then leave everything in place for a later rollback to decide).
 */
export async function publishCompleted(store: ObjectStore, key: string, body: Uint8Array): Promise<{ outcome: PublishOutcome; error?: unknown }> {
  try {
    if (await store.putIfAbsent(key, body)) return { outcome: 'published' };
    return { outcome: await sameBytesThere(store, key, body) ? 'published' : 'taken' };
  } catch (error) {
    try {
      const there = await store.get(key);
      return { outcome: sameBytes(there, body) ? 'published' : 'taken', error };
    } catch (readError) {
      if (readError instanceof NotFoundError) return { outcome: 'failed', error };
      return { outcome: 'unknown', error };
    }
  }
}

async function sameBytesThere(store: ObjectStore, key: string, body: Uint8Array): Promise<boolean> {
  try {
    return sameBytes(await store.get(key), body);
  } catch {
    return false;
  }
}
