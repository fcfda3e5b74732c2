// Writer heartbeats, as Hudi keeps them: `.hoodie/.heartbeat/<instant>`, rewritten while the
// write runs and deleted when it ends. A pending instant whose heartbeat is missing or older than
// the expiry belongs to a writer that died, and may be rolled back by anyone.

import type { ObjectStore } from '@lake/storage';

import { heartbeatKey } from './paths.js';

/** Hudi's default: a 60 s interval, expired after two missed beats. */
const HEARTBEAT_INTERVAL_MS = 30_000;
export const HEARTBEAT_EXPIRY_MS = 120_000;

export interface Heartbeat {
  stop(): Promise<void>;
}

/** Writes the heartbeat now and every interval until stopped; stopping deletes it. */
export async function startHeartbeat(store: ObjectStore, instant: string, intervalMs = HEARTBEAT_INTERVAL_MS): Promise<Heartbeat> {
  const beat = () => store.put(heartbeatKey(instant), new TextEncoder().encode(String(Date.now())));
  await beat();
  const timer = setInterval(() => void beat().catch(() => undefined), intervalMs);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await store.delete(heartbeatKey(instant)).catch(() => undefined);
    },
  };
}

/**
 * A heartbeat for a run that must be the only one on `instant` (a table service finishing a
 * planned instant): created with a conditional create, so of two runs starting together one gets
 * it; a heartbeat left by a run that died (older than the expiry) is taken over. Undefined while
 * another run's heartbeat is fresh.
 */
export async function takeHeartbeat(store: ObjectStore, instant: string, options: { expiryMs?: number; intervalMs?: number } = {}): Promise<Heartbeat | undefined> {
  const key = heartbeatKey(instant);
  const body = () => new TextEncoder().encode(String(Date.now()));
  if (!(await store.putIfAbsent(key, body()))) {
    if (!(await isHeartbeatExpired(store, instant, options))) return undefined;
    await store.delete(key);
    if (!(await store.putIfAbsent(key, body()))) return undefined;
  }
  const timer = setInterval(() => void store.put(key, body()).catch(() => undefined), options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await store.delete(key).catch(() => undefined);
    },
  };
}

/** Whether the writer of `instant` is gone: no heartbeat, or none for longer than the expiry. */
export async function isHeartbeatExpired(store: ObjectStore, instant: string, options: { expiryMs?: number; now?: number } = {}): Promise<boolean> {
  const meta = await store.head(heartbeatKey(instant));
  if (!meta) return true;
  const at = meta.lastModified?.getTime();
  if (at === undefined) return false;
  return (options.now ?? Date.now()) - at > (options.expiryMs ?? HEARTBEAT_EXPIRY_MS);
}
