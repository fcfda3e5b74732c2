import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Bool,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  Int8,
  makeData,
  makeVector,
  RecordBatch,
  Table,
  Struct,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { readParquet } from '@lake/parquet';
import { fixtureZips, loadFixture, parseJavaProperties, textOf } from '../../test/fixture-zips.js';
import { KeyGeneratorConfigError, NullRecordKeyError, PartitionPathError } from '../errors.js';
import {
  createKeyGenerator,
  inferKeyGeneratorType,
  keyGeneratorOptionsFromProperties,
  keyGeneratorTableProperties,
  type KeyGeneratorOptions,
} from './key-generator.js';
import { escapePathName, unescapePathName } from './partition-path.js';

function table(columns: Record<string, { type: DataType; values: unknown[] }>): Table {
  return new Table(Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, vectorFromArray(c.values, c.type)])));
}

/** A file whose timestamp-keyed partition column holds text where the timestamp type wants a number. */
function numericTimeAsText(props: Record<string, string>, data: Table): boolean {
  const type = props['hoodie.keygen.timebased.timestamp.type'];
  if (props['hoodie.table.keygenerator.type'] !== 'TIMESTAMP' || type === undefined || type === 'DATE_STRING' || type === 'MIXED') return false;
  const field = data.schema.fields.find((f) => f.name === props['hoodie.table.partition.fields']);
  return field !== undefined && field.type instanceof Utf8;
}

describe('key generators on Spark-written tables', () => {
  const zips = fixtureZips();

  it('reproduce _hoodie_record_key and _hoodie_partition_path of every base file', () => {
    let checkedRows = 0;
    let refusedFiles = 0;
    const types = new Set<string>();
    for (const zip of zips) {
      const files = loadFixture(zip);
      const props = parseJavaProperties(textOf(files.get('.hoodie/hoodie.properties')!));
      const gen = createKeyGenerator(keyGeneratorOptionsFromProperties(props));
      for (const [path, bytes] of files) {
        if (!path.endsWith('.parquet')) continue;
        const data = readParquet(bytes);
        if (data.numRows > 0 && numericTimeAsText(props, data)) {
          // Spark SQL's UPDATE and DELETE write a BIGINT time partition column as text and take the
          // keys from the meta columns they read; Hudi's key generator refuses text for a numeric
          // timestamp type, and so does lake's.
          expect(() => gen.generate(data), `${zip}:${path}`).toThrow(PartitionPathError);
          refusedFiles++;
          continue;
        }
        const { recordKeys, partitionPaths } = gen.generate(data);
        const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
        for (const p of partitionPaths) expect(p, `${zip}:${path}`).toBe(folder);
        const keyCol = data.getChild('_hoodie_record_key');
        if (props['hoodie.populate.meta.fields'] === 'false' || !keyCol) continue;
        expect(recordKeys, `${zip}:${path}`).toEqual(keyCol.toArray());
        expect(partitionPaths).toEqual(data.getChild('_hoodie_partition_path')!.toArray());
        checkedRows += data.numRows;
        types.add(gen.type);
      }
    }
    expect(checkedRows).toBeGreaterThan(40);
    expect(refusedFiles).toBeGreaterThan(0);
    expect([...types].sort()).toEqual(['COMPLEX', 'NON_PARTITION', 'SIMPLE', 'TIMESTAMP']);
  });

  it('writes the key generator class the fixtures carry', () => {
    for (const zip of zips) {
      const props = parseJavaProperties(textOf(loadFixture(zip).get('.hoodie/hoodie.properties')!));
      const version = Number(props['hoodie.table.version']);
      const ours = keyGeneratorTableProperties(keyGeneratorOptionsFromProperties(props), { tableVersion: version });
      for (const key of ['hoodie.table.keygenerator.class', 'hoodie.table.recordkey.fields', 'hoodie.table.partition.fields', 'hoodie.table.keygenerator.type']) {
        if (props[key] !== undefined && props[key] !== '') expect(ours[key], `${zip} ${key}`).toBe(props[key]);
      }
    }
  });
});

describe('record keys', () => {
  const people = () =>
    table({
      id: { type: new Int64(), values: [1n, 2n, null] },
      name: { type: new Utf8(), values: ['Ann', '', 'Cy'] },
      part: { type: new Utf8(), values: ['a', 'b', 'c'] },
    });

  it('names the field and the row of a null simple key', () => {
    const gen = createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['id'], partitionPathFields: ['part'] });
    try {
      gen.recordKeys(people());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NullRecordKeyError);
      expect((e as NullRecordKeyError).field).toBe('id');
      expect((e as NullRecordKeyError).row).toBe(2);
      expect((e as Error).message).toMatch(/"id" is null in row 2/);
    }
  });

  it('reads text keys as stored, ASCII or not, across chunks and slices (ASCII chunks are decoded whole)', () => {
    const text = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }), fc.nat(), (chunks, cut) => {
        const batch = (keys: string[], from = 0) =>
          new Table({ id: vectorFromArray(keys, new Utf8()).slice(from), part: vectorFromArray(keys.map(() => 'p'), new Utf8()).slice(from) }).batches[0];
        const gen = createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['id'], partitionPathFields: ['part'] });
        expect(gen.recordKeys(new Table(chunks.map((keys) => batch(keys))))).toEqual(chunks.flat());
        // A slice starts inside its text buffer.
        const from = cut % chunks[0].length;
        expect(gen.recordKeys(new Table([batch(chunks[0], from), ...chunks.slice(1).map((keys) => batch(keys))]))).toEqual([chunks[0].slice(from), ...chunks.slice(1)].flat());
      }),
      { numRuns: 200 },
    );
  });

  it('rejects empty simple keys too', () => {
    const gen = createKeyGenerator({ type: 'NON_PARTITION', recordKeyFields: ['name'] });
    expect(() => gen.recordKeys(people())).toThrow(/"name" is empty in row 1/);
  });

  it('uses placeholders in complex keys and fails only when every part is missing', () => {
    const gen = createKeyGenerator({ type: 'COMPLEX', recordKeyFields: ['id', 'name'], partitionPathFields: ['part'] });
    expect(gen.recordKeys(people())).toEqual(['id:1,name:Ann', 'id:2,name:__empty__', 'id:__null__,name:Cy']);
    const allMissing = table({ id: { type: new Int64(), values: [null] }, name: { type: new Utf8(), values: [''] } });
    expect(() => createKeyGenerator({ type: 'COMPLEX', recordKeyFields: ['id', 'name'] }).recordKeys(allMissing)).toThrow(NullRecordKeyError);
  });

  it('keeps the field name for a single-field complex key (Hudi 0.14.0 and the HUDI-7001 fix)', () => {
    const gen = createKeyGenerator({ type: 'COMPLEX', recordKeyFields: ['id'], partitionPathFields: ['part'] });
    expect(gen.recordKeys(people().slice(0, 1))).toEqual(['id:1']);
  });

  it('renders values as Java does', () => {
    const dec = makeVector(makeData({ type: new Decimal(5, 10, 128), length: 2, data: new Uint32Array([1234567890, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]) }));
    const t = new Table({
      d: dec,
      f: vectorFromArray([1, 0.1], new Float32()),
      g: vectorFromArray([1e7, 0.5], new Float64()),
      b: vectorFromArray([true, false], new Bool()),
      day: vectorFromArray([new Date(Date.UTC(2023, 3, 1)), new Date(-86_400_000)], new DateDay()),
      ts: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: 2, data: new BigInt64Array([1680368460000000n, -1n]) })),
      i8: vectorFromArray([10, -3], new Int8()),
    });
    const keys = createKeyGenerator({ type: 'COMPLEX', recordKeyFields: ['d', 'f', 'g', 'b', 'day', 'ts', 'i8'] }).recordKeys(t);
    expect(keys).toEqual([
      'd:12345.67890,f:1.0,g:1.0E7,b:true,day:2023-04-01,ts:1680368460000000,i8:10',
      'd:-0.00001,f:0.1,g:0.5,b:false,day:1969-12-31,ts:-1,i8:-3',
    ]);
  });

  it('reads nested fields, with a null parent giving null', () => {
    const address = new Struct([new Field('city', new Utf8(), true)]);
    const t = new Table({
      id: vectorFromArray([1, 2], new Int32()),
      address: vectorFromArray([{ city: 'Oslo' }, null], address),
    });
    const gen = createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['id'], partitionPathFields: ['address.city'] });
    expect(gen.partitionPaths(t)).toEqual(['Oslo', '__HIVE_DEFAULT_PARTITION__']);
  });

  it('refuses unknown fields and binary keys with config errors', () => {
    expect(() => createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['nope'], partitionPathFields: ['part'] }).recordKeys(people())).toThrow(KeyGeneratorConfigError);
    expect(() => createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['a', 'b'], partitionPathFields: ['part'] })).toThrow(/exactly one record key/);
    expect(() => createKeyGenerator({ type: 'SIMPLE', recordKeyFields: [], partitionPathFields: ['part'] })).toThrow(/No record key/);
  });
});

describe('partition paths', () => {
  const rows = () =>
    table({
      id: { type: new Int32(), values: [1, 2, 3, 4] },
      region: { type: new Utf8(), values: ['eu/west', null, '', 'a:b=c%'] },
      day: { type: new Utf8(), values: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'] },
    });

  it('uses the default partition for null and empty values, hive-style or not', () => {
    const plain = createKeyGenerator({ type: 'COMPLEX', recordKeyFields: ['id'], partitionPathFields: ['region', 'day'] });
    expect(plain.partitionPaths(rows())).toEqual([
      'eu/west/2024-01-01',
      '__HIVE_DEFAULT_PARTITION__/2024-01-02',
      '__HIVE_DEFAULT_PARTITION__/2024-01-03',
      'a:b=c%/2024-01-04',
    ]);
    const hive = createKeyGenerator({ type: 'COMPLEX', recordKeyFields: ['id'], partitionPathFields: ['region', 'day'], hiveStylePartitioning: true, urlEncodePartitionPath: true });
    expect(hive.partitionPaths(rows())).toEqual([
      'region=eu%2Fwest/day=2024-01-01',
      'region=__HIVE_DEFAULT_PARTITION__/day=2024-01-02',
      'region=__HIVE_DEFAULT_PARTITION__/day=2024-01-03',
      'region=a%3Ab%3Dc%25/day=2024-01-04',
    ]);
  });

  it('escapes reversibly and leaves non-ASCII alone', () => {
    expect(escapePathName('ü/x y#')).toBe('ü%2Fx y%23');
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(unescapePathName(escapePathName(s))).toBe(s);
      }),
    );
  });

  it('refuses values that climb out of the table', () => {
    const t = table({ id: { type: new Int32(), values: [1] }, p: { type: new Utf8(), values: ['..'] } });
    expect(() => createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['id'], partitionPathFields: ['p'] }).partitionPaths(t)).toThrow(PartitionPathError);
  });
});

describe('timestamp-based partitions', () => {
  const base: KeyGeneratorOptions = { type: 'TIMESTAMP', recordKeyFields: ['id'], partitionPathFields: ['t'] };

  it('formats epoch millis, seconds and micros in the output timezone', () => {
    const t = table({ id: { type: new Int32(), values: [1, 2] }, t: { type: new Int64(), values: [1704067199999n, null] } });
    const ms = createKeyGenerator({ ...base, timestamp: { timestampType: 'EPOCHMILLISECONDS', outputDateFormat: 'yyyy/MM/dd' } });
    expect(ms.partitionPaths(t)).toEqual(['2023/12/31', '1970/01/01']);
    const tokyo = createKeyGenerator({ ...base, hiveStylePartitioning: true, timestamp: { timestampType: 'EPOCHMILLISECONDS', outputDateFormat: 'yyyy-MM-dd-HH', outputTimezone: 'Asia/Tokyo' } });
    expect(tokyo.partitionPaths(t)[0]).toBe('t=2024-01-01-08');
    const secs = table({ id: { type: new Int32(), values: [1] }, t: { type: new Float64(), values: [1704067200.9] } });
    expect(createKeyGenerator({ ...base, timestamp: { timestampType: 'UNIX_TIMESTAMP', outputDateFormat: "yyyyMMdd'T'HH" } }).partitionPaths(secs)).toEqual(['20240101T00']);
    const micros = table({ id: { type: new Int32(), values: [1] }, t: { type: new TimestampMicrosecond('UTC'), values: [new Date(Date.UTC(2024, 1, 29, 13))] } });
    expect(createKeyGenerator({ ...base, timestamp: { timestampType: 'EPOCHMICROSECONDS', outputDateFormat: 'yyyy-MM-dd HH:mm' } }).partitionPaths(micros)).toEqual(['2024-02-29 13:00']);
  });

  it('parses date strings with the first matching input format and zone', () => {
    const t = table({ id: { type: new Int32(), values: [1, 2, 3] }, t: { type: new Utf8(), values: ['2024-03-05T23:30:00+0100', '2024/03/06', '2024-03-05T23:30:00Z'] } });
    const gen = createKeyGenerator({
      ...base,
      timestamp: { timestampType: 'DATE_STRING', inputDateFormats: ["yyyy-MM-dd'T'HH:mm:ssZ", 'yyyy/MM/dd'], outputDateFormat: 'yyyy-MM-dd HH', inputTimezone: 'UTC' },
    });
    expect(gen.partitionPaths(t)).toEqual(['2024-03-05 22', '2024-03-06 00', '2024-03-05 23']);
    const bad = table({ id: { type: new Int32(), values: [1] }, t: { type: new Utf8(), values: ['yesterday'] } });
    expect(() => gen.partitionPaths(bad)).toThrow(/matches none/);
  });

  it('reads dates as day counts with SCALAR DAYS', () => {
    const t = table({ id: { type: new Int32(), values: [1] }, t: { type: new DateDay(), values: [new Date(Date.UTC(2023, 3, 1))] } });
    const gen = createKeyGenerator({ ...base, timestamp: { timestampType: 'SCALAR', scalarTimeUnit: 'DAYS', outputDateFormat: 'yyyy/MM/dd' } });
    expect(gen.partitionPaths(t)).toEqual(['2023/04/01']);
  });

  it('combines simple and timestamp parts with CUSTOM', () => {
    const t = table({ id: { type: new Int32(), values: [7] }, city: { type: new Utf8(), values: ['Lima'] }, t: { type: new Int64(), values: [0n] } });
    const gen = createKeyGenerator({
      type: 'CUSTOM',
      recordKeyFields: ['id'],
      partitionPathFields: ['city:simple', 't:TIMESTAMP'],
      hiveStylePartitioning: true,
      timestamp: { timestampType: 'EPOCHMILLISECONDS', outputDateFormat: 'yyyyMMdd' },
    });
    expect(gen.generate(t)).toEqual({ recordKeys: ['7'], partitionPaths: ['city=Lima/t=19700101'] });
    expect(gen.partitionFields).toEqual(['city', 't']);
    expect(() => createKeyGenerator({ type: 'CUSTOM', recordKeyFields: ['id'], partitionPathFields: ['city'] })).toThrow(/field:SIMPLE/);
  });

  it('reads timestamp settings from Hudi properties', () => {
    const o = keyGeneratorOptionsFromProperties({
      'hoodie.datasource.write.recordkey.field': 'id',
      'hoodie.datasource.write.partitionpath.field': 't',
      'hoodie.datasource.write.keygenerator.class': 'org.apache.hudi.keygen.TimestampBasedKeyGenerator',
      'hoodie.keygen.timebased.timestamp.type': 'DATE_STRING',
      'hoodie.keygen.timebased.input.dateformat': 'yyyy-MM-dd,yyyyMMdd',
      'hoodie.keygen.timebased.output.dateformat': 'yyyy/MM',
      'hoodie.keygen.timebased.timezone': 'GMT+8',
    });
    expect(o.type).toBe('TIMESTAMP');
    expect(o.timestamp).toMatchObject({ inputDateFormats: ['yyyy-MM-dd', 'yyyyMMdd'], outputTimezone: 'GMT+8', inputTimezone: 'GMT+8' });
    const t = table({ id: { type: new Int32(), values: [1] }, t: { type: new Utf8(), values: ['20240131'] } });
    expect(createKeyGenerator(o).partitionPaths(t)).toEqual(['2024/01']);
  });
});

describe('key generator inference and properties', () => {
  it('infers the type as Hudi does', () => {
    expect(inferKeyGeneratorType(['id'], [])).toBe('NON_PARTITION');
    expect(inferKeyGeneratorType(['id'], ['p'])).toBe('SIMPLE');
    expect(inferKeyGeneratorType(['id', 'x'], ['p'])).toBe('COMPLEX');
    expect(inferKeyGeneratorType(['id'], ['p', 'q'])).toBe('COMPLEX');
    expect(inferKeyGeneratorType(['id'], ['p:simple'])).toBe('CUSTOM');
  });

  it('records class and, for table version 8, type', () => {
    const o: KeyGeneratorOptions = { type: 'CUSTOM', recordKeyFields: ['id'], partitionPathFields: ['city:SIMPLE'] };
    expect(keyGeneratorTableProperties(o)).toMatchObject({ 'hoodie.table.keygenerator.class': 'org.apache.hudi.keygen.CustomKeyGenerator', 'hoodie.table.partition.fields': 'city' });
    expect(keyGeneratorTableProperties(o, { tableVersion: 8 })).toMatchObject({ 'hoodie.table.keygenerator.type': 'CUSTOM', 'hoodie.table.partition.fields': 'city:SIMPLE' });
  });

  it('works the same on a RecordBatch as on a Table', () => {
    const t = table({ id: { type: new Int32(), values: [1, 2] }, p: { type: new Utf8(), values: ['x', 'y'] } });
    const batch: RecordBatch = t.batches[0];
    const gen = createKeyGenerator({ type: 'SIMPLE', recordKeyFields: ['id'], partitionPathFields: ['p'] });
    expect(gen.generate(batch)).toEqual(gen.generate(t));
  });
});
