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

/** When each heartbeat this process keeps was last written (by the clock of this process), by instant. */
const lastBeats = new Map<string, number>();

/**
 * Whether this process keeps a heartbeat for `instant` that it has not managed to write for
 * longer than the expiry (the process was paused, or the store kept failing): others may take the
 * instant for dead and roll it back, so its writer must not commit it (see fenceCommit).
 */
export function heartbeatLapsed(instant: string, now = Date.now()): boolean {
  const at = lastBeats.get(instant);
  return at !== undefined && now - at > HEARTBEAT_EXPIRY_MS;
}

/** Rewrites the heartbeat of `instant` with `body()` every interval until stopped; stopping deletes it. */
function keepBeating(store: ObjectStore, instant: string, body: () => Uint8Array, intervalMs: number, onStop?: () => void): Heartbeat {
  const key = heartbeatKey(instant);
  lastBeats.set(instant, Date.now());
  const beat = async () => {
    const at = Date.now();
    await store.put(key, body());
    if (lastBeats.has(instant)) lastBeats.set(instant, at);
  };
  const timer = setInterval(() => void beat().catch(() => undefined), intervalMs);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      lastBeats.delete(instant);
      onStop?.();
      await store.delete(key).catch(() => undefined);
    },
  };
}

const beatBody = () => new TextEncoder().encode(String(Date.now()));

/** Writes the heartbeat now and every interval until stopped; stopping deletes it. */
export async function startHeartbeat(store: ObjectStore, instant: string, intervalMs = HEARTBEAT_INTERVAL_MS): Promise<Heartbeat> {
  const at = Date.now();
  await beatOnce(store, instant);
  const heartbeat = keepBeating(store, instant, beatBody, intervalMs);
  lastBeats.set(instant, at);
  return heartbeat;
}

/** Writes the heartbeat of `instant` once (the first beat of `continueHeartbeat`). */
export function beatOnce(store: ObjectStore, instant: string): Promise<void> {
  return store.put(heartbeatKey(instant), beatBody());
}

/** Keeps a heartbeat the caller just wrote with `beatOnce` beating until stopped; stopping deletes it. */
export function continueHeartbeat(store: ObjectStore, instant: string, intervalMs = HEARTBEAT_INTERVAL_MS): Heartbeat {
  return keepBeating(store, instant, beatBody, intervalMs);
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
  return keepBeating(store, instant, body, options.intervalMs ?? HEARTBEAT_INTERVAL_MS, () => endedRuns.add(token));
}

/** Whether the writer of `instant` is gone: no heartbeat, or none for longer than the expiry. */
export async function isHeartbeatExpired(store: ObjectStore, instant: string, options: { expiryMs?: number; now?: number } = {}): Promise<boolean> {
  const meta = await store.head(heartbeatKey(instant));
  if (!meta) return true;
  const at = meta.lastModified?.getTime();
  if (at === undefined) return false;
  return (options.now ?? Date.now()) - at > (options.expiryMs ?? HEARTBEAT_EXPIRY_MS);
}
