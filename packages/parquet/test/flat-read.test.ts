// Property: openParquetBytes returns exactly what readParquet (parquet-wasm) returns, schema and
// values, for every column type lake writes, nullable at random, in every page layout the
// writer produces (dictionary or plain, data pages v1 or v2, many pages, many row groups); flat
// columns of the common types are decoded in JavaScript, the rest fall back to parquet-wasm.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tableToIPC, type Table } from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { openParquetBytes, ParquetError, readParquet, writeParquet } from '../src/index.js';
import { decodeInJs } from '../src/flat-read.js';
import { PageDecodeError } from '../src/rle-hybrid.js';
import { tableArb, toArrowTable, type GeneratedTable } from './arbitraries.js';
import { describeField, plainValues } from './arrow-values.js';
import { sparkParquetFiles } from './spark-fixtures.js';

function describeTable(table: Table): unknown {
  return {
    fields: table.schema.fields.map((f) => [describeField(f), [...f.metadata]]),
    metadata: [...table.schema.metadata],
    rows: table.numRows,
    columns: table.schema.fields.map((_, i) => plainValues(table.getChildAt(i)!)),
  };
}

interface Layout {
  compression: 'snappy' | 'none' | 'zstd' | 'gzip';
  dictionary: boolean;
  v2: boolean;
  /** Rows per row group, and a small page size so chunks hold many pages. */
  rowGroupSize: number;
  smallPages: boolean;
}

const CODECS = { snappy: wasm.Compression.SNAPPY, none: wasm.Compression.UNCOMPRESSED, zstd: wasm.Compression.ZSTD, gzip: wasm.Compression.GZIP };

/** Parquet bytes straight from parquet-wasm's writer with the given page layout. */
function writeWith(table: Table, layout: Layout): Uint8Array {
  let props = new wasm.WriterPropertiesBuilder()
    .setCompression(CODECS[layout.compression])
    .setDictionaryEnabled(layout.dictionary)
    .setWriterVersion(layout.v2 ? wasm.WriterVersion.V2 : wasm.WriterVersion.V1)
    .setMaxRowGroupSize(layout.rowGroupSize);
  if (layout.smallPages) props = props.setDataPageSizeLimit(16).setWriteBatchSize(2);
  return wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(table, 'stream')), props.build());
}

const layoutArb = fc.record<Layout>({
  compression: fc.constantFrom('snappy', 'none', 'zstd', 'gzip'),
  dictionary: fc.boolean(),
  v2: fc.boolean(),
  rowGroupSize: fc.integer({ min: 1, max: 20 }),
  smallPages: fc.boolean(),
});

/** Whether every field is one the JavaScript decoder takes: flat, and not a decimal. */
function allHandled(fields: GeneratedTable['fields']): boolean {
  return fields.every((f) => f.type.kind === 'prim' && !f.type.name.startsWith('decimal'));
}

function projectionArb(g: GeneratedTable): fc.Arbitrary<string[] | undefined> {
  const names = g.fields.map((f) => f.name);
  return fc.option(fc.shuffledSubarray(names, { minLength: 1 }), { nil: undefined });
}

describe('openParquetBytes', () => {
  it('decodes flat columns of every type lake writes exactly as parquet-wasm does, in JavaScript where it can', () => {
    fc.assert(
      fc.property(
        tableArb({ depth: 0, maxFields: 5, maxRows: 30 }).chain((g) => fc.tuple(fc.constant(g), projectionArb(g), fc.boolean())),
        ([generated, columns, lakeWriter]) => {
          const table = toArrowTable(generated);
          const bytes = lakeWriter ? writeParquet(table, { compression: 'snappy', rowGroupSize: 7 }) : writeWith(table, { compression: 'snappy', dictionary: true, v2: false, rowGroupSize: 7, smallPages: false });
          const options = columns ? { columns } : {};
          const expected = describeTable(readParquet(bytes, options));
          expect(describeTable(openParquetBytes(bytes).read(options))).toEqual(expected);
          const inJs = decodeInJs(bytes, columns);
          // decimals and other types are left to parquet-wasm; the rest must not be
          const picked = columns ? generated.fields.filter((f) => columns.includes(f.name)) : generated.fields;
          if (allHandled(picked)) {
            expect(inJs).toBeDefined();
            expect(describeTable(inJs!)).toEqual(expected);
          }
        },
      ),
      { numRuns: 70 },
    );
  });

  it('gives the same table in every page layout, codec and nesting, falling back to parquet-wasm where needed', () => {
    fc.assert(
      fc.property(
        tableArb({ depth: 1, maxFields: 4, maxRows: 25 }).chain((g) => fc.tuple(fc.constant(g), projectionArb(g), layoutArb)),
        ([generated, columns, layout]) => {
          const bytes = writeWith(toArrowTable(generated), layout);
          const options = columns ? { columns } : {};
          const expected = describeTable(readParquet(bytes, options));
          expect(describeTable(openParquetBytes(bytes).read(options))).toEqual(expected);
          const rows = generated.columns[0]?.length ?? 0;
          const picked = columns ? generated.fields.filter((f) => columns.includes(f.name)) : generated.fields;
          let inJs: Table | undefined | 'fell back';
          try {
            inJs = decodeInJs(bytes, columns);
          } catch (e) {
            expect(e).toBeInstanceOf(PageDecodeError);
            inJs = 'fell back';
          }
          if (inJs !== undefined && inJs !== 'fell back') expect(describeTable(inJs)).toEqual(expected);
          if (picked.some((f) => f.type.kind !== 'prim')) expect(inJs).toBeUndefined();
          else if (!allHandled(picked)) expect(inJs).toBeUndefined();
          // v2 pages that do not shrink are stored uncompressed, and those are decoded here
          else if (layout.compression === 'zstd' || layout.compression === 'gzip') {
            if (rows > 0 && !layout.v2) expect(inJs).toBe('fell back');
          }
          // v1 pages hold only PLAIN and dictionary values, all of which are decoded here; v2 pages
          // without a dictionary use delta encodings, which go to parquet-wasm
          else if (!layout.v2) expect(inJs).not.toBe('fell back');
        },
      ),
      { numRuns: 70 },
    );
  });

  it('reads the Parquet files Spark wrote for the Hudi fixtures as parquet-wasm does', () => {
    let files = 0;
    for (const zip of ['sample_table/cow/v6_nonpartitioned.zip', 'sample_table/cow/v6_simplekeygen_nonhivestyle.zip']) {
      for (const [name, bytes] of sparkParquetFiles(zip)) {
        expect(describeTable(openParquetBytes(bytes).read()), name).toEqual(describeTable(readParquet(bytes)));
        files++;
      }
    }
    expect(files).toBeGreaterThan(0);
  });

  it('lists the top-level fields, nested ones included', () => {
    const generated: GeneratedTable = {
      fields: [
        { name: 'a', nullable: true, type: { kind: 'prim', name: 'utf8' } },
        { name: 's', nullable: false, type: { kind: 'struct', fields: [{ name: 'f0', nullable: true, type: { kind: 'prim', name: 'int32' } }] } },
      ],
      columns: [['x', null], [{ f0: 1 }, { f0: null }]],
    };
    const reader = openParquetBytes(writeParquet(toArrowTable(generated)));
    expect(reader.fields).toEqual(['a', 's']);
    expect(reader.read({ columns: ['s'] }).getChild('s')!.toJSON()).toEqual(readParquet(writeParquet(toArrowTable(generated)), { columns: ['s'] }).getChild('s')!.toJSON());
  });

  it('refuses string values that are not UTF-8, as parquet-wasm does', () => {
    const generated: GeneratedTable = { fields: [{ name: 's', nullable: false, type: { kind: 'prim', name: 'utf8' } }], columns: [['ab', 'cd']] };
    const bytes = writeWith(toArrowTable(generated), { compression: 'none', dictionary: false, v2: false, rowGroupSize: 10, smallPages: false });
    const at = bytes.indexOf(0x63); // 'c' of the second value, stored as is without compression
    const broken = bytes.slice();
    broken[at] = 0xff;
    expect(() => decodeInJs(broken)).toThrow(PageDecodeError);
    expect(() => readParquet(broken)).toThrow(ParquetError);
    expect(() => openParquetBytes(broken).read()).toThrow(ParquetError);
  });

  it('reports damaged files as parquet-wasm does', () => {
    const bytes = writeParquet(toArrowTable({ fields: [{ name: 'n', nullable: false, type: { kind: 'prim', name: 'int64' } }], columns: [[1n, 2n]] }));
    const junk = new Uint8Array(64).fill(7);
    expect(() => openParquetBytes(junk).fields).toThrow(ParquetError);
    expect(() => openParquetBytes(junk).read()).toThrow(ParquetError);
    expect(() => openParquetBytes(bytes.subarray(0, bytes.length - 3)).read()).toThrow(ParquetError);
    expect(() => openParquetBytes(bytes).read({ columns: ['missing'] })).toThrow(expect.objectContaining({ code: 'PARQUET_COLUMN_NOT_FOUND' }));
  });
});
