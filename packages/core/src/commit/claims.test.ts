import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { claimCommit, latestClaim } from './claims.js';
import { ConflictError } from '../errors.js';
import { encodeNewKeys } from './new-key-fingerprints.js';
import { KEPT_NEWEST_CLAIMS } from './claim-retention.js';
import { pruneCommitRecords } from './prune-records.js';
import type { TableConfig } from '../config/table-config.js';

const newKeys = (...keys: string[]) => encodeNewKeys(keys.map(() => 'p'), keys, keys.keys());

describe('commit claims', () => {
  it('lets writers with disjoint file groups both commit, in claim order', async () => {
    const store = new MemoryStore(`claims-${Math.random()}`);
    const start = await latestClaim(store);
    const [a, b] = await Promise.all([
      claimCommit(store, start, { instant: '1', action: 'commit', fileGroups: ['p/a'] }),
      claimCommit(store, start, { instant: '2', action: 'commit', fileGroups: ['p/b'] }),
    ]);
    expect([a, b].sort()).toEqual([1, 2]);
  });

  it('lets exactly one of two conflicting writers through', async () => {
    const store = new MemoryStore(`claims-${Math.random()}`);
    const start = await latestClaim(store);
    const results = await Promise.allSettled([
      claimCommit(store, start, { instant: '1', action: 'commit', fileGroups: ['p/a', 'p/x'] }),
      claimCommit(store, start, { instant: '2', action: 'commit', fileGroups: ['p/b', 'p/x'] }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConflictError);
    expect((lost[0].reason as ConflictError).fileGroups).toEqual(['p/x']);
  });

  it('fails a writer whose unchecked claims were pruned meanwhile, rather than skipping them', async () => {
    const store = new MemoryStore(`claims-${Math.random()}`);
    const start = await latestClaim(store);
    // Commits after this writer started, pruned by a pass that cannot see the writer (no instant key).
    for (let i = 1; i <= 10; i++) await claimCommit(store, i - 1, { instant: `c${i}`, action: 'commit', fileGroups: [`p/g${i}`] });
    await pruneCommitRecords({ store, config: { timelineDir: '.hoodie', timelineLayoutVersion: 1 } as TableConfig });
    expect((await store.listDirectory('.hoodie/.aux/lake/claims/')).objects.length).toBe(KEPT_NEWEST_CLAIMS);
    const late = claimCommit(store, start, { instant: 'late', action: 'commit', fileGroups: ['p/g1'] });
    await expect(late).rejects.toBeInstanceOf(ConflictError);
    await expect(late).rejects.toThrow(/pruned/);
    // A claim that changes nothing of others cannot conflict: a pruned one is no reason to fail.
    await expect(claimCommit(store, start, { instant: 'new-groups', action: 'commit', fileGroups: [] })).resolves.toBe(11);
  });

  it('ignores claims made before the writer started', async () => {
    const store = new MemoryStore(`claims-${Math.random()}`);
    await claimCommit(store, 0, { instant: '1', action: 'commit', fileGroups: ['p/a'] });
    const start = await latestClaim(store);
    await expect(claimCommit(store, start, { instant: '2', action: 'commit', fileGroups: ['p/a'] })).resolves.toBe(2);
  });

  it('lets exactly one of two writers inserting one new key through', async () => {
    const store = new MemoryStore(`claims-${Math.random()}`);
    const start = await latestClaim(store);
    const results = await Promise.allSettled([
      claimCommit(store, start, { instant: '1', action: 'commit', fileGroups: [], newKeys: newKeys('a', 'k') }),
      claimCommit(store, start, { instant: '2', action: 'commit', fileGroups: [], newKeys: newKeys('k', 'z') }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(ConflictError);
    expect(String(lost?.reason.message)).toMatch(/1 of the same new record key/);
  });

  it('lets writers inserting different new keys both commit', async () => {
    const store = new MemoryStore(`claims-${Math.random()}`);
    const start = await latestClaim(store);
    const claims = await Promise.all([
      claimCommit(store, start, { instant: '1', action: 'commit', fileGroups: [], newKeys: newKeys('a', 'b') }),
      claimCommit(store, start, { instant: '2', action: 'commit', fileGroups: [], newKeys: newKeys('c', 'd') }),
    ]);
    expect(claims.sort()).toEqual([1, 2]);
  });
});
