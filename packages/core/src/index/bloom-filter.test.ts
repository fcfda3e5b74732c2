import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { gunzipSync } from 'fflate';
import { Utf8, vectorFromArray } from 'apache-arrow';
import { fixtureZips, loadFixture } from '../../test/fixture-zips.js';
import { BLOOM_FILTER_DEFAULTS, bloomBitSize, bloomHashCount, createBloomFilter, parseBloomFilter, parseBloomFilterBytes } from './bloom-filter.js';
import { createRecordKeyFooter, readFooterBloomFilter, readFooterKeyRange, readFooterRecordKeys } from './bloom-footer.js';
import { murmurHash, murmurHashChain } from './murmur-hash.js';
import { LakeError } from '@lake/storage';
import { byteSourceFromBytes, decodeBase64, encodeBase64, readFooterKeyValues } from '@lake/parquet';

interface BaseFile {
  name: string;
  meta: Map<string, string>;
  keys: string[];
  bytes: Uint8Array;
}

// Footers and key columns are read with hyparquet, independently of the project's own Parquet code.
async function fixtureBaseFiles(): Promise<BaseFile[]> {
  const out: BaseFile[] = [];
  for (const zip of fixtureZips()) {
    for (const [path, bytes] of loadFixture(zip)) {
      if (!path.endsWith('.parquet')) continue;
      const file = bytes.slice().buffer;
      const md = parquetMetadata(file);
      const meta = new Map((md.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? '']));
      const hasKeys = md.schema.some((s) => s.name === '_hoodie_record_key');
      const rows = hasKeys ? await parquetReadObjects({ file, columns: ['_hoodie_record_key'], compressors: { GZIP: (input) => gunzipSync(input) } }) : [];
      const keys = rows.map((r) => r._hoodie_record_key).filter((k): k is string => typeof k === 'string');
      out.push({ name: `${zip}:${path}`, meta, keys, bytes });
    }
  }
  return out;
}

const files = await fixtureBaseFiles();
const withFilter = files.filter((f) => f.meta.has('org.apache.hudi.bloomfilter'));

describe('bloom filters in Spark-written base files', () => {
  it('finds footers to test against', () => {
    expect(withFilter.length).toBeGreaterThan(20);
  });

  it('contains every record key of its file and few others', () => {
    for (const f of withFilter) {
      const filter = readFooterBloomFilter(f.meta);
      expect(filter, f.name).toBeDefined();
      for (const k of f.keys) expect(filter!.mightContain(k), `${f.name} key ${k}`).toBe(true);
      let hits = 0;
      for (let i = 0; i < 200; i++) if (filter!.mightContain(`absent-${i}-${f.name.length}`)) hits++;
      expect(hits, f.name).toBeLessThanOrEqual(1);
    }
  });

  it('re-serializes byte-identically after parsing', () => {
    for (const f of withFilter) {
      const text = f.meta.get('org.apache.hudi.bloomfilter')!;
      const filter = parseBloomFilter(text, f.meta.get('hoodie_bloom_filter_type_code'));
      expect(filter.serialize() === text, f.name).toBe(true);
    }
  });

  it('builds the same bytes as Hudi from the same keys with default settings', () => {
    for (const f of withFilter) {
      const footer = createRecordKeyFooter({ type: f.meta.get('hoodie_bloom_filter_type_code') as 'DYNAMIC_V0' });
      for (const k of f.keys) footer.add(k);
      const ours = footer.metadata();
      // the filter goes into the footer as its Base64 bytes, never as a string
      const filterBytes = ours['org.apache.hudi.bloomfilter'];
      expect(filterBytes).toBeInstanceOf(Uint8Array);
      expect(new TextDecoder().decode(filterBytes as Uint8Array) === f.meta.get('org.apache.hudi.bloomfilter'), f.name).toBe(true);
      expect(footer.filter.serialize() === f.meta.get('org.apache.hudi.bloomfilter'), f.name).toBe(true);
      expect(ours['hoodie_bloom_filter_type_code']).toBe(f.meta.get('hoodie_bloom_filter_type_code'));
      expect(ours['hoodie_min_record_key']).toBe(f.meta.get('hoodie_min_record_key'));
      expect(ours['hoodie_max_record_key']).toBe(f.meta.get('hoodie_max_record_key'));
      // A file left empty by a delete (Hudi 1.1 COW) has a filter but no key range.
      const range = f.keys.length === 0 ? undefined : { min: ours['hoodie_min_record_key'], max: ours['hoodie_max_record_key'] };
      expect(readFooterKeyRange(f.meta)).toEqual(range);
    }
  });

  it('reads the same key range and filter from the footer bytes as from its decoded text', async () => {
    for (const f of files) {
      const fromBytes = readFooterRecordKeys(await readFooterKeyValues(byteSourceFromBytes(f.bytes), f.name));
      expect(fromBytes.range, f.name).toEqual(readFooterKeyRange(f.meta));
      const text = f.meta.get('org.apache.hudi.bloomfilter');
      expect(fromBytes.bloomTextLength, f.name).toBe(text?.length ?? 0);
      expect(fromBytes.bloom?.typeCode, f.name).toBe(readFooterBloomFilter(f.meta)?.typeCode);
      expect(fromBytes.bloom?.serialize() === text, f.name).toBe(true);
    }
  });

  it('parses filter text held as bytes as it parses the text, whitespace around it included', () => {
    const f = withFilter[0];
    const text = f.meta.get('org.apache.hudi.bloomfilter')!;
    const code = f.meta.get('hoodie_bloom_filter_type_code');
    const utf8 = new TextEncoder();
    for (const padded of [text, ` \n${text}\r\n`, `\u00a0${text}\u2028`]) {
      expect(parseBloomFilterBytes(utf8.encode(padded), code).serialize() === parseBloomFilter(padded, code).serialize()).toBe(true);
    }
    for (const bad of [`${text.slice(0, 100)}!${text.slice(101)}`, text.slice(0, 4 * 1000 + 1)]) {
      expect(() => parseBloomFilterBytes(utf8.encode(bad), code)).toThrow(/Base64|filter/);
      expect(() => parseBloomFilter(bad, code)).toThrow(/Base64|filter/);
    }
  });

  it('reports files without a filter as having none', () => {
    const none = files.filter((f) => !f.meta.has('org.apache.hudi.bloomfilter'));
    expect(none.length).toBeGreaterThan(0);
    for (const f of none) expect(readFooterBloomFilter(f.meta)).toBeUndefined();
  });
});

describe('bloom filter sizing and hashing', () => {
  it('sizes the default filter as Hudi does', () => {
    const bits = bloomBitSize(BLOOM_FILTER_DEFAULTS.numEntries, BLOOM_FILTER_DEFAULTS.fpp);
    expect(bits).toBe(2587966);
    expect(bloomHashCount(bits, BLOOM_FILTER_DEFAULTS.numEntries)).toBe(30);
  });

  it('hashes with Java byte sign extension in the tail', () => {
    // Independent reference: the same algorithm over BigInt with explicit 32-bit wrapping.
    const ref = (data: Uint8Array, seed: number): number => {
      const mask = 0xffffffffn;
      const m = 0x5bd1e995n;
      const mul = (a: bigint, b: bigint) => (a * b) & mask;
      let h = (BigInt(seed >>> 0) ^ BigInt(data.length)) & mask;
      const n4 = data.length >> 2;
      for (let i = 0; i < n4; i++) {
        let k = BigInt(data[i * 4]) | (BigInt(data[i * 4 + 1]) << 8n) | (BigInt(data[i * 4 + 2]) << 16n) | (BigInt(data[i * 4 + 3]) << 24n);
        k = mul(k, m);
        k ^= k >> 24n;
        k = mul(k, m);
        h = mul(h, m) ^ k;
      }
      const left = data.length - n4 * 4;
      const sx = (b: number) => BigInt.asUintN(32, BigInt((b << 24) >> 24));
      if (left >= 3) h ^= (sx(data[data.length - 3]) << 16n) & mask;
      if (left >= 2) h ^= (sx(data[data.length - 2]) << 8n) & mask;
      if (left >= 1) {
        h ^= sx(data[data.length - 1]);
        h = mul(h, m);
      }
      h ^= h >> 13n;
      h = mul(h, m);
      h ^= h >> 15n;
      return Number(BigInt.asIntN(32, h));
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer(), (bytes, seed) => {
        expect(murmurHash(bytes, seed)).toBe(ref(bytes, seed));
      }),
    );
  });

  it('computes the chain of seeded hashes as repeated single hashes would', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (bytes, count, modulo) => {
        const out = new Int32Array(count);
        murmurHashChain(bytes, count, modulo, out);
        let seed = 0;
        const expected = Array.from({ length: count }, () => {
          seed = murmurHash(bytes, seed);
          return Math.abs(seed % modulo);
        });
        expect(Array.from(out)).toEqual(expected);
      }),
    );
  });

  it('computes the chain over a slice of a buffer as over the slice alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }), (key, before, after) => {
        const whole = new Uint8Array([...before, ...key, ...after]);
        const alone = new Int32Array(30);
        const sliced = new Int32Array(30);
        murmurHashChain(key, 30, 1_000_003, alone);
        murmurHashChain(whole, 30, 1_000_003, sliced, before.length, before.length + key.length);
        expect(sliced).toEqual(alone);
      }),
    );
  });

  it('builds from a Utf8 column of keys the footer it builds from the strings', () => {
    const key = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.constantFrom('é', 'a\u{1F600}b', '\uE000', 'z'));
    fc.assert(
      fc.property(fc.array(fc.option(key, { nil: null }), { maxLength: 60 }), fc.constantFrom('SIMPLE', 'DYNAMIC_V0') as fc.Arbitrary<'SIMPLE' | 'DYNAMIC_V0'>, (keys, type) => {
        const fromStrings = createRecordKeyFooter({ type, numEntries: 20 });
        for (const k of keys) if (k !== null) fromStrings.add(k);
        const fromColumn = createRecordKeyFooter({ type, numEntries: 20 });
        const column = vectorFromArray(keys, new Utf8());
        expect(column.data).toHaveLength(1);
        fromColumn.addColumn(column.data[0]);
        expect(fromColumn.metadata()).toEqual(fromStrings.metadata());
      }),
    );
    expect(() => createRecordKeyFooter().addColumn(vectorFromArray(['a', ''], new Utf8()).data[0])).toThrow(LakeError);
  });

  it('hashes ASCII and non-ASCII keys alike whatever came before', () => {
    const filter = createBloomFilter({ type: 'SIMPLE', numEntries: 100 });
    const keys = ['a-long-ascii-key-0001', 'é', 'x', 'k\u00e9y-2', 'short', 'a-long-ascii-key-0001'.repeat(20)];
    for (const k of keys) filter.add(k);
    const reparsed = parseBloomFilter(filter.serialize(), 'SIMPLE');
    for (const k of [...keys].reverse()) expect(reparsed.mightContain(k)).toBe(true);
  });
});

describe('bloom filter behaviour', () => {
  it('has no false negatives (simple and dynamic, small filters)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, unit: 'grapheme' }), { maxLength: 60 }),
        fc.constantFrom<'SIMPLE' | 'DYNAMIC_V0'>('SIMPLE', 'DYNAMIC_V0'),
        (keys, type) => {
          const filter = createBloomFilter({ type, numEntries: 10, fpp: 0.01, maxEntries: 30 });
          for (const k of keys) filter.add(k);
          for (const k of keys) expect(filter.mightContain(k)).toBe(true);
          const back = parseBloomFilter(filter.serialize(), type);
          for (const k of keys) expect(back.mightContain(k)).toBe(true);
          expect(back.serialize()).toBe(filter.serialize());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('grows dynamic filters by rows up to the bound, then reuses rows', () => {
    const filter = createBloomFilter({ type: 'DYNAMIC_V0', numEntries: 4, fpp: 0.01, maxEntries: 10 });
    const rowsOf = () => new DataView(decodeBase64(filter.serialize())!.buffer).getInt32(21);
    expect(rowsOf()).toBe(1);
    for (let i = 0; i < 5; i++) filter.add(`k${i}`);
    expect(rowsOf()).toBe(2);
    for (let i = 5; i < 40; i++) filter.add(`k${i}`);
    expect(rowsOf()).toBe(3);
    for (let i = 0; i < 40; i++) expect(filter.mightContain(`k${i}`)).toBe(true);
  });

  it('rejects empty keys and corrupt text with typed errors', () => {
    const filter = createBloomFilter();
    expect(() => filter.add('')).toThrow(LakeError);
    expect(() => parseBloomFilter('not base64!!', 'SIMPLE')).toThrow(/not Base64/);
    const truncated = encodeBase64(decodeBase64(createBloomFilter({ type: 'SIMPLE' }).serialize())!.slice(0, 100));
    expect(() => parseBloomFilter(truncated, 'SIMPLE')).toThrow(/data ends/);
    expect(() => parseBloomFilter(truncated, 'BOGUS')).toThrow(/type code/);
    expect(() => createBloomFilter({ fpp: 2 })).toThrow(/fpp/);
  });
});
