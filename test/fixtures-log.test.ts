// The log-block parser over Spark-written log files and over damaged copies of them: truncated
// at any point, a byte flipped anywhere, garbage appended. Damage may cost the blocks it touches
// (skipped as Hudi skips corrupt blocks) or raise typed errors, never a crash or a wrong row.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { LakeError } from '@lake/storage';
import {
  BlockType,
  HeaderKey,
  decodeAvroDataBlock,
  decodeDeleteBlock,
  decodeParquetDataBlock,
  openTable,
  parseLogFileName,
  readLogBlocks,
  type LogBlock,
} from '@lake/core/format';
import { cleanupFixtures, dataFilesUnder, fixture, fixtures, memoryCopy, readTree } from './support/fixtures.js';

afterAll(() => cleanupFixtures());

const logs = fixtures().flatMap((f) => {
  const tree = readTree(f.root);
  return dataFilesUnder(f.root, (n) => parseLogFileName(n) !== undefined).map((p) => {
    const key = p.slice(f.root.length + 1);
    return { id: `${f.id}:${key}`, bytes: tree.get(key) as Uint8Array };
  });
});

/** Decodes a block's content by type; returns a row count (commands: 0). */
function decode(block: LogBlock): number {
  switch (block.type) {
    case BlockType.AVRO_DATA:
      return decodeAvroDataBlock(block).records.length;
    case BlockType.PARQUET_DATA:
      return decodeParquetDataBlock(block).numRows;
    case BlockType.DELETE:
      return decodeDeleteBlock(block).length;
    default:
      return 0;
  }
}

function sameBlock(a: LogBlock, b: LogBlock): boolean {
  return (
    a.offset === b.offset &&
    a.length === b.length &&
    a.type === b.type &&
    JSON.stringify([...a.header]) === JSON.stringify([...b.header]) &&
    Buffer.compare(a.content, b.content) === 0
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('log files written by Spark', () => {
  it('finds the fixture log files', () => {
    expect(logs.length).toBeGreaterThanOrEqual(6);
  });

  it.each(logs.map((l) => [l.id, l] as const))('%s parses into whole blocks that decode', (_id, l) => {
    const scan = readLogBlocks(l.bytes);
    expect(scan.corrupt).toEqual([]);
    expect(scan.blocks.length).toBeGreaterThan(0);
    const last = scan.blocks[scan.blocks.length - 1];
    expect(last.offset + last.length).toBe(l.bytes.length);
    for (const b of scan.blocks) {
      expect(b.header.get(HeaderKey.INSTANT_TIME)).toMatch(/^\d{17}$/);
      if (b.type === BlockType.COMMAND) {
        expect(b.header.get(HeaderKey.COMMAND_BLOCK_TYPE)).toBe('0');
        expect(b.header.get(HeaderKey.TARGET_INSTANT_TIME)).toMatch(/^\d{17}$/);
      } else expect(decode(b)).toBeGreaterThan(0);
    }
  });

  it('reads the delete block of the trips table: keys, partitions and default ordering values', () => {
    const del = logs.find((l) => l.id.includes('8i3d'));
    const block = readLogBlocks(del!.bytes).blocks[0];
    expect(block.type).toBe(BlockType.DELETE);
    const records = decodeDeleteBlock(block);
    expect(records.map((r) => r.recordKey).sort()).toEqual([
      '334e26e9-8355-45cc-97c6-c31daf0df330',
      '9909a8b1-2d15-4d3d-8ec9-efc48c536a00',
      'e96c4396-3fad-413a-a942-4cb36106d721',
    ]);
    for (const r of records) {
      expect(r.partitionPath).toBe('city=san_francisco');
      // Java's default ordering value, Integer 0, written as IntWrapper(0)
      expect(r.orderingValue).toBe(0);
    }
  });
});

describe('damaged log files', () => {
  const all = concat(logs.map((l) => l.bytes));
  const original = readLogBlocks(all);

  // Anywhere, with extra weight on block framing: magic, size field and trailing length.
  const framing = original.blocks.flatMap((b) => [
    ...Array.from({ length: 14 }, (_v, i) => b.offset + i),
    ...Array.from({ length: 8 }, (_v, i) => b.offset + b.length - 8 + i),
  ]);
  const positions = fc.oneof(fc.integer({ min: 0, max: all.length - 1 }), fc.constantFrom(...framing));

  it('reads a file of many blocks', () => {
    expect(original.corrupt).toEqual([]);
    expect(original.blocks.length).toBe(logs.reduce((n, l) => n + readLogBlocks(l.bytes).blocks.length, 0));
  });

  it('truncated anywhere: exactly the blocks that fit, the torn rest reported as corrupt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length }), (cut) => {
        const scan = readLogBlocks(all.slice(0, cut));
        const complete = original.blocks.filter((b) => b.offset + b.length <= cut);
        expect(scan.blocks.length).toBe(complete.length);
        scan.blocks.forEach((b, i) => expect(sameBlock(b, complete[i])).toBe(true));
        const end = complete.length ? complete[complete.length - 1].offset + complete[complete.length - 1].length : 0;
        const corruptBytes = scan.corrupt.reduce((n, c) => n + c.length, 0);
        expect(corruptBytes).toBe(cut - end);
      }),
      { numRuns: 300 },
    );
  });

  it('truncated just after a block end: the block stands, the torn start of the next does not count', () => {
    for (const b of original.blocks) {
      for (let extra = 0; extra <= 8; extra++) {
        const cut = b.offset + b.length + extra;
        if (cut > all.length) continue;
        const scan = readLogBlocks(all.slice(0, cut));
        expect(scan.blocks.length).toBe(original.blocks.filter((o) => o.offset + o.length <= cut).length);
      }
    }
  });

  it('one byte flipped anywhere: untouched blocks survive intact, the touched one is skipped or decodes or fails typed', () => {
    fc.assert(
      fc.property(positions, fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const bytes = all.slice();
        bytes[pos] ^= mask;
        const scan = readLogBlocks(bytes);
        original.blocks.forEach((b, k) => {
          if (pos >= b.offset && pos < b.offset + b.length) return;
          // Like Hudi, a block is only whole if the next one starts with an intact magic.
          const next = original.blocks[k + 1];
          if (next && pos >= next.offset && pos < next.offset + 6) return;
          expect(scan.blocks.some((s) => sameBlock(s, b))).toBe(true);
        });
        for (const b of scan.blocks) {
          if (original.blocks.some((o) => sameBlock(o, b))) continue;
          try {
            decode(b);
          } catch (e) {
            expect(e).toBeInstanceOf(LakeError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a damaged magic costs the block before it too, as in Hudi', () => {
    const [, second] = original.blocks;
    const bytes = all.slice();
    bytes[second.offset] ^= 0xff;
    const scan = readLogBlocks(bytes);
    expect(scan.blocks.map((b) => b.offset)).toEqual(original.blocks.slice(2).map((b) => b.offset));
    // The first block's header is intact, so the damaged stretch still names its instant.
    expect(scan.corrupt).toEqual([{ offset: 0, length: original.blocks[2].offset, instantTime: original.blocks[0].header.get(0) }]);
  });

  it('garbage after the last block is reported, not read', () => {
    const garbage = new Uint8Array([0x23, 0x48, 0x55, 0x44, 0x49, 0x23, 0, 0, 0, 0, 0, 0, 0x10, 0, 1, 2, 3]);
    const scan = readLogBlocks(concat([all, garbage]));
    expect(scan.blocks.length).toBe(original.blocks.length);
    expect(scan.corrupt).toEqual([{ offset: all.length, length: garbage.length }]);
  });

  it('a table whose log file is torn reads either with or without the torn block, never a mix', async () => {
    const f = fixture('quickstart_trips_table/mor/avro/v6_trips_8i1u');
    const logKey = [...readTree(f.root).keys()].find((k) => parseLogFileName(k.split('/').pop() as string));
    const size = readTree(f.root).get(logKey as string)!.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: size }), async (cut) => {
        const store = await memoryCopy(f.root, (files) => files.set(logKey as string, files.get(logKey as string)!.slice(0, cut)));
        const t = await openTable(store);
        const fares = (await t.read().collect()).toArray().map((r) => r.toJSON() as { rider: string; fare: number });
        expect(fares.length).toBe(8);
        const d = fares.find((r) => r.rider === 'rider-D')!.fare;
        expect(cut === size ? [25] : [33.9]).toContain(d);
      }),
      { numRuns: 25 },
    );
  });

  it('a table whose log byte flipped reads the same rows, or fails with a typed error', async () => {
    const f = fixture('sample_table/mor/parquet/v6_nonpartitioned_rollback');
    const tree = readTree(f.root);
    const logKey = [...tree.keys()].find((k) => k.includes('.log.3_'));
    const size = tree.get(logKey as string)!.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 1, max: 255 }), async (pos, mask) => {
        const store = await memoryCopy(f.root, (files) => {
          const b = files.get(logKey as string)!.slice();
          b[pos] ^= mask;
          files.set(logKey as string, b);
        });
        const t = await openTable(store);
        try {
          const rows = (await t.read({ columns: ['id', 'isActive'] }).collect()).toArray().map((r) => r.toJSON());
          const byId = Object.fromEntries(rows.map((r) => [r.id as number, r.isActive as boolean]));
          // The update of Bob is either applied or dropped with its damaged block; id 1 and 3 never change.
          expect(byId[1]).toBe(true);
          expect(byId[3]).toBe(true);
          expect(Object.keys(byId).length).toBeGreaterThanOrEqual(3);
        } catch (e) {
          expect(e).toBeInstanceOf(LakeError);
        }
      }),
      { numRuns: 25 },
    );
  });
});
