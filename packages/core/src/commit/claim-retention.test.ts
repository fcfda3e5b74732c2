import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { HELD_START_MARGIN_MS, KEPT_NEWEST_CLAIMS, prunableClaims, type ClaimRecord, type LiveWriter } from './claim-retention.js';
import { claimCommit, latestClaim, recordIntent } from './claims.js';
import { heartbeatKey, instantClaimKey, CLAIMS_FOLDER } from './paths.js';
import { pruneCommitRecords } from './prune-records.js';

const claimsArb = fc
  .array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 30 })
  .map((ats) => ats.map((at, i): ClaimRecord => ({ seq: i + 1, at })));
const liveArb = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 30 }).map((start): LiveWriter => ({ start })),
    fc.integer({ min: 0, max: 12_000 }).map((heldAt): LiveWriter => ({ heldAt })),
  ),
  { maxLength: 4 },
);

describe('prunableClaims', () => {
  it('prunes exactly the claims no live writer needs, and never the newest', () => {
    fc.assert(
      fc.property(claimsArb, liveArb, (claims, live) => {
        const pruned = new Set(prunableClaims(claims, live));
        const newest = claims.length;
        for (const c of claims) {
          const needed =
            c.seq > newest - KEPT_NEWEST_CLAIMS ||
            live.some((w) => ('start' in w ? c.seq > w.start : (c.at ?? 0) >= w.heldAt - HELD_START_MARGIN_MS));
          expect(pruned.has(c.seq)).toBe(!needed);
        }
      }),
    );
  });

  it('keeps a claim whose time the store does not tell while a writer is known only by its instant key', () => {
    const claims: ClaimRecord[] = [{ seq: 1 }, ...Array.from({ length: 5 }, (_, i) => ({ seq: i + 2, at: 0 }))];
    expect(prunableClaims(claims, [{ heldAt: 10_000 }])).toEqual([2, 3]);
    expect(prunableClaims(claims, [])).toEqual([1, 2, 3]);
  });
});

// The pruning pass against the claims protocol: writers start (instant key and heartbeat),
// record their intent (with their start), and claim, while other writers claim and prune in
// between. A live writer never finds a claim it must check pruned, and at rest only the newest
// few claims are left.
type Step = { kind: 'start' | 'intent' | 'claim'; writer: number } | { kind: 'fast' } | { kind: 'prune' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('start' as const, 'intent' as const, 'claim' as const), writer: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'fast' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'prune' as const }) },
);
const config = { timelineDir: '.hoodie', timelineLayoutVersion: 1 } as TableConfig;

describe('claim pruning with live writers (model)', () => {
  it('never prunes a claim a live writer still has to check; a quiet table keeps the newest few', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), async (steps) => {
        const store = new MemoryStore(`claim-retention-${++run}`);
        const writers = new Map<number, { instant: string; start: number; intent: boolean }>();
        let made = 0;
        const claim = (instant: string, writer: number) => ({ instant, action: 'commit', fileGroups: [`p/${writer}`] });
        const finish = async (instant: string) => store.deleteMany([instantClaimKey(instant), heartbeatKey(instant)]);
        for (const step of steps) {
          if (step.kind === 'prune') await pruneCommitRecords({ store, config });
          else if (step.kind === 'fast') {
            const instant = `f${++made}`;
            await claimCommit(store, await latestClaim(store), claim(instant, 9));
            await pruneCommitRecords({ store, config, own: instant });
          } else {
            const w = writers.get(step.writer);
            if (step.kind === 'start' && !w) {
              const instant = `w${step.writer}-${++made}`;
              await Promise.all([store.put(instantClaimKey(instant), new Uint8Array()), store.put(heartbeatKey(instant), new Uint8Array())]);
              writers.set(step.writer, { instant, start: await latestClaim(store), intent: false });
            } else if (step.kind === 'intent' && w && !w.intent) {
              await recordIntent(store, claim(w.instant, step.writer), w.start);
              w.intent = true;
            } else if (step.kind === 'claim' && w) {
              // Distinct file groups: the only way to fail is a pruned claim.
              await claimCommit(store, w.start, claim(w.instant, step.writer));
              writers.delete(step.writer);
              await finish(w.instant);
            }
          }
        }
        for (const [writer, w] of writers) {
          await claimCommit(store, w.start, claim(w.instant, writer));
          await finish(w.instant);
        }
        await pruneCommitRecords({ store, config });
        const left = (await store.listDirectory(CLAIMS_FOLDER)).objects.length;
        expect(left).toBe(Math.min(KEPT_NEWEST_CLAIMS, await latestClaim(store)));
      }),
      { numRuns: 100 },
    );
  });
});
