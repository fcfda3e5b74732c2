// The HFile reader against HFiles Hudi wrote (hudi-rs's test HFiles, see test/fixtures/hfile/NOTICE):
// full scans match the writer's key/value pattern, and lookups of any set of keys return exactly
// the cells a full scan holds for them while reading only the blocks the index points at.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { HFileReader, openHFile } from './hfile-reader.js';
import { rowString, type HFileCell } from './cell.js';
import { Codec } from './trailer.js';

const dir = fileURLToPath(new URL('../../../../test/fixtures/hfile/', import.meta.url));
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name));
const dec = new TextDecoder();
const pad = (i: number): string => String(i).padStart(9, '0');

/** A source that counts reads, to check lookups touch only a few blocks. */
function counted(bytes: Uint8Array): { source: { size: number; read(o: number, n: number): Promise<Uint8Array> }; reads: number[] } {
  const reads: number[] = [];
  return { reads, source: { size: bytes.length, read: async (o, n) => (reads.push(n), bytes.subarray(o, o + n)) } };
}

async function all(r: HFileReader): Promise<HFileCell[]> {
  const out: HFileCell[] = [];
  for await (const c of r.cells()) out.push(c);
  return out;
}

const UNIQUE = [
  { file: 'hudi_1_0_hbase_2_4_9_16KB_NONE_5000.hfile', count: 5000, key: (i: number) => `hudi-key-${pad(i)}`, codec: Codec.NONE, levels: 1 },
  { file: 'hudi_1_0_hbase_2_4_13_16KB_GZ_20000_fake_first_key.hfile', count: 20000, key: (i: number) => `hudi-key-${pad(i)}-abcdefghij`, codec: Codec.GZ, levels: 1 },
  { file: 'hudi_1_0_hbase_2_4_13_1KB_GZ_10000_large_keys_deep_index.hfile', count: 10000, key: (i: number) => `hudi-key-${'a'.repeat(100)}-${pad(i)}`, codec: Codec.GZ, levels: 3 },
];

describe('HFileReader on HFiles Hudi wrote', () => {
  for (const f of UNIQUE) {
    it(`scans every cell of ${f.file} in key order`, async () => {
      const r = await openHFile(load(f.file), { path: f.file });
      expect(r.trailer.codec).toBe(f.codec);
      expect(r.trailer.dataIndexLevels).toBe(f.levels);
      const cells = await all(r);
      expect(cells.length).toBe(f.count);
      expect(r.entryCount).toBe(f.count);
      cells.forEach((c, i) => {
        expect(rowString(c)).toBe(f.key(i));
        expect(dec.decode(c.value)).toBe(`hudi-value-${pad(i)}`);
      });
      expect(r.metaBlockNames()).toContain('bloomFilter');
      expect((await r.metaBlock('bloomFilter'))?.length).toBeGreaterThan(0);
      expect(await r.metaBlock('no such block')).toBeUndefined();
    });

    it(`looks keys up in ${f.file} reading only the blocks that may hold them`, async () => {
      const bytes = load(f.file);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: -2, max: f.count + 2 }), { maxLength: 6 }), fc.boolean(), async (picks, near) => {
          const { source, reads } = counted(bytes);
          const r = await openHFile(source);
          const opened = reads.length;
          // Absent keys sort between, before and after the stored ones.
          const keys = picks.map((i) => (i < 0 ? `a${i}` : i >= f.count ? `z${i}` : near ? `${f.key(i)}~` : f.key(i)));
          const got = await r.get(keys);
          const want = [...new Set(keys)].filter((k) => !k.endsWith('~') && k.startsWith('hudi-key')).sort();
          expect(got.map(rowString)).toEqual(want);
          for (const c of got) expect(dec.decode(c.value)).toBe(`hudi-value-${/-(\d{9})(?:-|$)/.exec(rowString(c))![1]}`);
          // Per key: a few blocks per index level, never a scan. Index entries hold shortened
          // keys, so a key near a block's first key can be looked for in the block before it
          // as well, at each level.
          expect(reads.length - opened).toBeLessThanOrEqual(new Set(keys).size * 2 * (f.levels + 1));
        }),
        { numRuns: Number(process.env.HFILE_RUNS ?? 25) },
      );
    });
  }

  it('returns every cell of a repeated key, also when its cells cross a block boundary', async () => {
    const r = await openHFile(load('hudi_1_0_hbase_2_4_9_16KB_GZ_200_20_non_unique.hfile'));
    const cells = await all(r);
    expect(cells.length).toBe(r.entryCount);
    const byKey = new Map<string, string[]>();
    for (const c of cells) byKey.set(rowString(c), [...(byKey.get(rowString(c)) ?? []), dec.decode(c.value)]);
    const keys = [...byKey.keys()];
    await fc.assert(
      fc.asyncProperty(fc.subarray(keys, { maxLength: 8 }), async (picked) => {
        const got = await r.get(picked);
        const want = [...picked].sort().flatMap((k) => byKey.get(k)!);
        expect(got.map((c) => dec.decode(c.value))).toEqual(want);
      }),
      { numRuns: 60 },
    );
    // Each key repeats with suffixed values, in write order.
    const first = keys[0]!;
    expect(byKey.get(first)!.slice(0, 3)).toEqual([`hudi-value-${first.slice(-9)}`, `hudi-value-${first.slice(-9)}_0`, `hudi-value-${first.slice(-9)}_1`]);
  });

  it('reads a file without cells', async () => {
    const r = await openHFile(load('hudi_1_0_hbase_2_4_9_no_entry.hfile'));
    expect(r.entryCount).toBe(0);
    expect(await all(r)).toEqual([]);
    expect(await r.get(['hudi-key-000000000'])).toEqual([]);
  });

  it('reads the custom file info entries a writer adds', async () => {
    const r = await openHFile(load('hudi_1_0_hbase_2_4_9_16KB_NONE_5000.hfile'));
    expect(r.fileInfoText('hudi_hfile_testing.custom_key')).toBe('hudi_custom_value');
    expect(r.fileInfoText('no.such.key')).toBeUndefined();
  });
});
