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

/** Rewrites `key` with `body()` every interval until stopped; stopping deletes it. */
function keepBeating(store: ObjectStore, key: string, body: () => Uint8Array, intervalMs: number, onStop?: () => void): Heartbeat {
  const timer = setInterval(() => void store.put(key, body()).catch(() => undefined), intervalMs);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      onStop?.();
      await store.delete(key).catch(() => undefined);
    },
  };
}

const beatBody = () => new TextEncoder().encode(String(Date.now()));

/** Writes the heartbeat now and every interval until stopped; stopping deletes it. */
export async function startHeartbeat(store: ObjectStore, instant: string, intervalMs = HEARTBEAT_INTERVAL_MS): Promise<Heartbeat> {
  await beatOnce(store, instant);
  return keepBeating(store, heartbeatKey(instant), beatBody, intervalMs);
}

/** Writes the heartbeat of `instant` once (the first beat of `continueHeartbeat`). */
export function beatOnce(store: ObjectStore, instant: string): Promise<void> {
  return store.put(heartbeatKey(instant), beatBody());
}

/** Keeps a heartbeat the caller wrote with `beatOnce` beating until stopped; stopping deletes it. */
export function continueHeartbeat(store: ObjectStore, instant: string, intervalMs = HEARTBEAT_INTERVAL_MS): Heartbeat {
  return keepBeating(store, heartbeatKey(instant), beatBody, intervalMs);
}

/** Runs of this process that have ended, by the token their exclusive heartbeat carries. */
const endedRuns = new Set<string>();

function runToken(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).split(' ')[1] ?? '';
}

/**
 * A heartbeat for a run that must be the only one on `instant` (a table service finishing a
 * planned instant): created with a conditional create, so of two runs starting together one gets
 * it. Taken over when the run that left it is gone: older than the expiry (a process that died),
 * or a run of this process that ended without removing it (its store failed). Undefined while
 * another run's heartbeat is fresh.
 */
export async function takeHeartbeat(store: ObjectStore, instant: string, options: { expiryMs?: number; intervalMs?: number } = {}): Promise<Heartbeat | undefined> {
  const key = heartbeatKey(instant);
  const token = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const body = () => new TextEncoder().encode(`${Date.now()} ${token}`);
  if (!(await store.putIfAbsent(key, body()))) {
    const left = await store.get(key).catch(() => new Uint8Array());
    if (!endedRuns.has(runToken(left)) && !(await isHeartbeatExpired(store, instant, options))) return undefined;
    await store.delete(key);
    if (!(await store.putIfAbsent(key, body()))) return undefined;
  }
  return keepBeating(store, key, body, options.intervalMs ?? HEARTBEAT_INTERVAL_MS, () => endedRuns.add(token));
}

/** Whether the writer of `instant` is gone: no heartbeat, or none for longer than the expiry. */
export async function isHeartbeatExpired(store: ObjectStore, instant: string, options: { expiryMs?: number; now?: number } = {}): Promise<boolean> {
  const meta = await store.head(heartbeatKey(instant));
  if (!meta) return true;
  const at = meta.lastModified?.getTime();
  if (at === undefined) return false;
  return (options.now ?? Date.now()) - at > (options.expiryMs ?? HEARTBEAT_EXPIRY_MS);
}
