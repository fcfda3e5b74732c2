// What one process keeps in memory across writes, and the bounds a user may set on it: footers
// (record-key bloom filters and key ranges) and record-key columns of base files, for the key
// index, and the bytes of base files this process wrote lately, for its next reads of them. Base
// files never change, so nothing held is ever stale; the bounds only trade memory for reads.
// A long-running writer with a memory limit (a container, a Lambda) lowers them with
// `setCacheLimits` or LAKE_CACHE_MB (the three together, split 1:2:1).

import { footerCacheLimit, keyColumnCacheLimit, keyIndexHeldBytes } from './index/key-index.js';
import { writtenBaseFilesHeld, writtenBaseFilesLimit } from './file-group/written-base-files.js';

export interface CacheLimits {
  /** Footers of base files for the key index (default 64 MiB). */
  footerBytes: number;
  /** Record-key columns of base files for the key index (default 128 MiB). */
  keyColumnBytes: number;
  /** Bytes of base files this process wrote, read again by its next writes (default 64 MiB). */
  writtenFileBytes: number;
}

export interface CacheUsage {
  limits: CacheLimits;
  held: CacheLimits;
}

const MIB = 1024 * 1024;

/** One memory budget for the three caches, split 1:2:1 (key columns take half), as LAKE_CACHE_MB splits it. */
export function cacheLimitsWithin(totalBytes: number): CacheLimits {
  return { footerBytes: Math.floor(totalBytes / 4), keyColumnBytes: Math.floor(totalBytes / 2), writtenFileBytes: Math.floor(totalBytes / 4) };
}

/** The limits LAKE_CACHE_MB asks for, or undefined when unset or invalid. */
export function cacheLimitsFromEnv(env: Record<string, string | undefined>): CacheLimits | undefined {
  const raw = env.LAKE_CACHE_MB?.trim();
  if (!raw || !/^\d+(\.\d+)?$/.test(raw)) return undefined;
  return cacheLimitsWithin(Number(raw) * MIB);
}

/**
 * Sets the bounds of the process's caches (bytes each; 0 keeps nothing). Lowering one evicts what
 * it holds beyond the new bound at once, least recently used first.
 */
export function setCacheLimits(limits: Partial<CacheLimits>): void {
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new RangeError(`setCacheLimits: ${name} must be a number of bytes >= 0, not ${String(value)}`);
  }
  if (limits.footerBytes !== undefined) footerCacheLimit(limits.footerBytes);
  if (limits.keyColumnBytes !== undefined) keyColumnCacheLimit(limits.keyColumnBytes);
  if (limits.writtenFileBytes !== undefined) writtenBaseFilesLimit(limits.writtenFileBytes);
}

/** The caches' bounds and what they hold now. */
export function cacheUsage(): CacheUsage {
  const index = keyIndexHeldBytes();
  return {
    limits: { footerBytes: footerCacheLimit(), keyColumnBytes: keyColumnCacheLimit(), writtenFileBytes: writtenBaseFilesLimit() },
    held: { footerBytes: index.footers, keyColumnBytes: index.keyColumns, writtenFileBytes: writtenBaseFilesHeld() },
  };
}

function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

const fromEnv = cacheLimitsFromEnv(processEnv());
if (fromEnv) setCacheLimits(fromEnv);
