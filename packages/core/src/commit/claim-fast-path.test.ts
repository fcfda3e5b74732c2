// The one-round-trip claim of a writer no one claimed before since it started, and the claims of
// writes it stood back, which can never publish and so are no reason for it to fail.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { claimCommit, claimIfNoneSince, latestClaim } from './claims.js';
import { claimKey } from './paths.js';
import { ConflictError } from '../errors.js';

const claim = (instant: string, ...fileGroups: string[]) => ({ instant, action: 'commit', fileGroups });

describe('claimIfNoneSince', () => {
  it('claims the next number when no one claimed since the start, and reports it taken otherwise', async () => {
    const store = new MemoryStore(`fast-claim-${Math.random()}`);
    await claimCommit(store, 0, claim('1', 'p/a'));
    const start = await latestClaim(store);
    expect(await claimIfNoneSince(store, start, claim('2', 'p/b'))).toMatchObject({ seq: start + 1 });
    // A writer that started at the same point finds its number taken: nothing claimed, and the
    // newest number for claimCommit, which checks claim 2 and claims after it.
    const late = await claimIfNoneSince(store, start, claim('3', 'p/c'));
    expect(late.seq).toBeUndefined();
    expect(late.latest).toBe(start + 1);
    expect(await claimCommit(store, start, claim('3', 'p/c'), late.latest)).toBe(start + 2);
    await expect(claimCommit(store, start, claim('4', 'p/b'), late.latest)).rejects.toBeInstanceOf(ConflictError);
  });

  it('fails a claim that won a number pruned after hundreds of later claims', async () => {
    const store = new MemoryStore(`fast-claim-pruned-${Math.random()}`);
    // Claims 2..600 exist, claim 1 was pruned: a writer that started at 0 must not take 1 again.
    for (let seq = 2; seq <= 600; seq++) await store.put(claimKey(seq), new TextEncoder().encode(JSON.stringify(claim(`i${seq}`, `p/${seq}`))));
    await expect(claimIfNoneSince(store, 0, claim('late', 'p/z'))).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('claimCommit with writes stood back', () => {
  it('does not fail on the claim of a write whose fence this writer took', async () => {
    const store = new MemoryStore(`vetoed-claim-${Math.random()}`);
    const start = await latestClaim(store);
    await claimCommit(store, start, claim('other', 'p/x'));
    await expect(claimCommit(store, start, claim('mine', 'p/x'))).rejects.toBeInstanceOf(ConflictError);
    expect(await claimCommit(store, start, claim('mine', 'p/x'), undefined, new Set(['other']))).toBe(start + 2);
  });
});
