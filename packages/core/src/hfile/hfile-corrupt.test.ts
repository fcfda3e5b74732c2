// A damaged HFile fails with HFileFormatError (code HFILE_FORMAT), never with a stray RangeError
// or a wrong answer: truncation anywhere, and any single flipped byte either changes nothing the
// reader uses or is reported.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { HFileFormatError } from '../errors.js';
import { openHFile } from './hfile-reader.js';
import { writeHFile } from './hfile-writer.js';

const file = fileURLToPath(new URL('../../../../test/fixtures/hfile/hudi_1_0_hbase_2_4_9_16KB_GZ_200_20_non_unique.hfile', import.meta.url));
const good = new Uint8Array(readFileSync(file));

/** Every cell as row and value text, or the error reading failed with. */
async function readAll(bytes: Uint8Array): Promise<string[] | unknown> {
  try {
    const r = await openHFile(bytes, { path: 'damaged.hfile' });
    const out: string[] = [];
    const d = new TextDecoder();
    for await (const c of r.cells()) out.push(`${d.decode(c.row)}=${d.decode(c.value)}`);
    return out;
  } catch (e) {
    return e;
  }
}

describe('damaged HFiles', () => {
  it('reports a truncated file as HFILE_FORMAT, naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), async (len) => {
        const got = await readAll(good.slice(0, len));
        expect(got).toBeInstanceOf(HFileFormatError);
        expect((got as HFileFormatError).code).toBe('HFILE_FORMAT');
        expect((got as HFileFormatError).message).toContain('damaged.hfile');
      }),
      { numRuns: 60 },
    );
  });

  it('reads the same cells or reports HFILE_FORMAT when any one byte is changed', async () => {
    const want = await readAll(good);
    expect(Array.isArray(want)).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), async (pos, xor) => {
        const bad = good.slice();
        bad[pos] ^= xor;
        const got = await readAll(bad);
        if (Array.isArray(got)) expect(got).toEqual(want);
        else expect(got).toBeInstanceOf(HFileFormatError);
      }),
      { numRuns: 150 },
    );
  });

  it('detects a changed byte inside a data block through its checksum', async () => {
    const r = await openHFile(good);
    const bad = good.slice();
    // The first data block starts the file: damage a byte of its payload, past the 33-byte header.
    expect(r.trailer.firstDataBlockOffset).toBe(0);
    bad[40] ^= 0x01;
    const got = await readAll(bad);
    expect(got).toBeInstanceOf(HFileFormatError);
    expect((got as Error).message).toMatch(/checksum mismatch/);
  });

  it('reports a trailer whose data index count would skip blocks, rather than fewer cells', async () => {
    const cells = Array.from({ length: 40 }, (_, i) => ({ row: `key-${String(i).padStart(3, '0')}`, value: new Uint8Array(30) }));
    const bytes = writeHFile(cells, { blockSize: 200 });
    const r = await openHFile(bytes);
    const count = r.trailer.dataIndexCount;
    expect(count).toBeGreaterThan(2);
    // Field 5 (data index count) is the varint after tag 0x28 in the trailer's protobuf message.
    const trailer = bytes.length - 4096;
    const at = bytes.subarray(trailer, trailer + 128).findIndex((b, i, a) => b === 0x28 && a[i + 1] === count) + trailer + 1;
    expect(at).toBeGreaterThan(trailer);
    const bad = bytes.slice();
    bad[at] = count - 1;
    const got = await readAll(bad);
    expect(got).toBeInstanceOf(HFileFormatError);
    expect((got as Error).message).toMatch(/trailer counts 40/);
  });

  it('rejects bytes that are not an HFile', async () => {
    const got = await readAll(new TextEncoder().encode('not an hfile '.repeat(400)));
    expect(got).toBeInstanceOf(HFileFormatError);
    expect((got as Error).message).toMatch(/trailer magic/);
  });
});
