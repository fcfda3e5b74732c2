// Which commit claims a pruner may remove. A claim is needed only by writers that started before
// it (their claims start is below it) and have not claimed yet: they check it against their own.
// Pruning one early is safe (such a writer finds it missing and fails with a ConflictError, see
// claims.ts) but costs that writer its commit, so pruners keep every claim a live writer may need:
// - claims after the start of each live writer (one whose heartbeat beats): its intent records
//   its start; before it has one, the time its instant key was made stands in for it (its start
//   was read within a round trip or two of making the key), less a margin;
// - the newest few: the newest tells writers the next number, a number won that far below the
//   newest shows it was pruned and made again (see claimIfNoneSince), and they serve writers
//   that started in the last moment, whose instant key the pruner could not see yet.
// Times compared are all the store's (lastModified), so the pruner's clock plays no part.

/** Claims always kept, newest first. */
export const KEPT_NEWEST_CLAIMS = 3;

/**
 * Margin (ms) for writers visible only by their instant key: far above the round trips between a
 * write reading its start and making its instant key.
 */
export const HELD_START_MARGIN_MS = 2_000;

export interface ClaimRecord {
  seq: number;
  /** The store's time the claim was made (lastModified), when it tells. */
  at?: number;
}

/** A writer that may still claim: its recorded start, or when its instant key was made. */
export type LiveWriter = { start: number } | { heldAt: number };

/** Sequence numbers of the claims no live writer can need (see the top of this file). */
export function prunableClaims(claims: readonly ClaimRecord[], live: readonly LiveWriter[]): number[] {
  if (claims.length === 0) return [];
  const newest = Math.max(...claims.map((c) => c.seq));
  const needed = (c: ClaimRecord): boolean => {
    if (c.seq > newest - KEPT_NEWEST_CLAIMS) return true;
    // A claim whose time the store does not tell may be as new as any writer's start.
    return live.some((w) => ('start' in w ? c.seq > w.start : c.at === undefined || c.at >= w.heldAt - HELD_START_MARGIN_MS));
  };
  return claims.filter((c) => !needed(c)).map((c) => c.seq);
}
