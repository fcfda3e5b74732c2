// Model test of the archived (LSM) history reader: random runs of Hudi's LSM timeline writer
// (layer-0 flushes, compactions into the next layer that leave the replaced files on storage, the
// cleaning of files no retained snapshot lists, a writer that died between its manifest and
// `_version_`, `_version_` briefly absent) read back exactly the instants of the snapshot Hudi's
// reader picks: the one `_version_` names, else the newest manifest.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { loadArchivedTimeline, tableConfigFromProperties } from '@lake/core/format';
import { MemoryStore } from '@lake/storage';
import { HISTORY, lsmFileName, lsmParquet, manifestJson, type LsmRow } from './support/lsm-history.js';

const config = tableConfigFromProperties(
  new Map([
    ['hoodie.table.name', 'lsm_model'],
    ['hoodie.table.version', '9'],
    ['hoodie.table.type', 'COPY_ON_WRITE'],
  ]),
);

type Op =
  | { kind: 'flush'; rows: number }
  | { kind: 'compact'; files: number }
  | { kind: 'clean' }
  | { kind: 'diedBeforeVersion'; rows: number }
  | { kind: 'versionMissing' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('flush' as const), rows: fc.integer({ min: 1, max: 4 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('compact' as const), files: fc.integer({ min: 2, max: 4 }) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'clean' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('diedBeforeVersion' as const), rows: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'versionMissing' as const }), weight: 1 },
);

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const level = (name: string): number => Number(/_(\d+)\.parquet$/.exec(name)![1]);

/** A writer of the LSM history as Hudi's LSMTimelineWriter lays it out, with its own record of each snapshot. */
class Writer {
  readonly files = new Map<string, Uint8Array>();
  /** Live files of each manifest version (index = version). */
  readonly manifests: string[][] = [[]];
  readonly rowsOf = new Map<string, LsmRow[]>();
  version = 0;
  private next = 0;

  private rows(count: number): LsmRow[] {
    return Array.from({ length: count }, () => {
      const n = this.next++;
      const time = String(20260101000000000 + n * 1000);
      const meta = { partitionToWriteStats: {}, operationType: 'INSERT', extraMetadata: { n: String(n) } };
      return { instantTime: time, completionTime: String(Number(time) + 500), action: n % 5 === 4 ? 'clean' : 'commit', metadata: enc(JSON.stringify(meta)), plan: null };
    });
  }

  private addFile(rows: LsmRow[], lvl: number): string {
    const name = lsmFileName(rows, lvl);
    this.files.set(`${HISTORY}${name}`, lsmParquet(rows));
    this.rowsOf.set(name, rows);
    return name;
  }

  private manifest(version: number, live: string[]): void {
    this.manifests[version] = live;
    this.files.set(`${HISTORY}manifest_${version}`, enc(manifestJson(live.map((f) => ({ fileName: f, fileLen: this.files.get(`${HISTORY}${f}`)!.length })))));
  }

  private publish(live: string[]): void {
    this.version += 1;
    this.manifest(this.version, live);
    this.files.set(`${HISTORY}_version_`, enc(String(this.version)));
  }

  apply(o: Op): void {
    const live = this.manifests[this.version]!;
    switch (o.kind) {
      case 'flush':
        this.publish([...live, this.addFile(this.rows(o.rows), 0)]);
        return;
      case 'compact': {
        const lvl = Math.min(...live.map(level));
        const candidates = live.filter((f) => level(f) === lvl).sort().slice(0, o.files);
        if (candidates.length < 2) return;
        const merged = this.addFile(candidates.flatMap((f) => this.rowsOf.get(f)!), lvl + 1);
        this.publish([...live.filter((f) => !candidates.includes(f)), merged]);
        return;
      }
      case 'clean': {
        // Files no manifest of the latest 3 versions on storage lists go (a dead writer's included).
        const listed = [...this.files.keys()].map((k) => /manifest_(\d+)$/.exec(k)).filter((m) => m !== null).map((m) => Number(m[1]));
        const newest = Math.max(...listed);
        const keep = new Set<string>();
        for (const v of listed.filter((x) => x > newest - 3)) {
          const json = JSON.parse(new TextDecoder().decode(this.files.get(`${HISTORY}manifest_${v}`)!)) as { files: { fileName: string }[] };
          for (const f of json.files) keep.add(f.fileName);
        }
        for (const name of [...this.rowsOf.keys()]) if (!keep.has(name)) this.files.delete(`${HISTORY}${name}`);
        return;
      }
      case 'diedBeforeVersion':
        // The next writer overwrites this manifest version: nothing else is written after it here.
        this.manifest(this.version + 1, [...live, this.addFile(this.rows(o.rows), 0)]);
        this.manifests.length = this.version + 1;
        this.version = -1;
        return;
      case 'versionMissing':
        this.files.delete(`${HISTORY}_version_`);
        return;
    }
  }

  /** The instants of the snapshot a reader must see. */
  expected(): string[] {
    const versionFile = this.files.get(`${HISTORY}_version_`);
    const versions = [...this.files.keys()].map((k) => /manifest_(\d+)$/.exec(k)).filter((m) => m !== null).map((m) => Number(m[1]));
    const version = versionFile ? Number(new TextDecoder().decode(versionFile)) : Math.max(...versions);
    const live = JSON.parse(new TextDecoder().decode(this.files.get(`${HISTORY}manifest_${version}`)!)) as { files: { fileName: string }[] };
    return live.files.flatMap((f) => this.rowsOf.get(f.fileName)!.map((r) => `${r.instantTime}.${r.action}@${r.completionTime!}`)).sort();
  }
}

describe('LSM history reader (model)', () => {
  it('reads exactly the instants of the snapshot Hudi picks, whatever files older snapshots left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const w = new Writer();
        for (const o of ops) {
          w.apply(o);
          // A writer that died before `_version_` leaves the next one to carry on from the last good snapshot.
          if (w.version === -1) w.version = w.manifests.length - 1;
        }
        if (![...w.files.keys()].some((k) => k.includes('manifest_'))) return;
        const store = new MemoryStore(`lsm-model-${Math.random()}`);
        for (const [k, v] of w.files) await store.put(k, v);
        const history = await loadArchivedTimeline(store, config);
        expect(history.instants.map((i) => `${i.time}.${i.action}@${i.completionTime!}`).sort()).toEqual(w.expected());
        const writes = history.completedWrites();
        expect(writes.map((i) => i.completionTime)).toEqual([...writes.map((i) => i.completionTime)].sort());
        for (const i of writes) expect(history.commitMetadata(i).extraMetadata.get('n')).toBe(String((Number(i.time) - 20260101000000000) / 1000));
      }),
      { numRuns: 60 },
    );
  });
});
