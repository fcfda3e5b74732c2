// Hudi's built-in key generators over Arrow batches: record keys and partition paths exactly as
// Spark's Hudi writer derives them (Simple, Complex, Nonpartitioned, TimestampBased, Custom), and
// the class names to record in hoodie.properties.
// Over 350 lines on purpose: the generators share Hudi's encoding rules (nulls, empties, escaping), which must change together.

import { InvalidRecordKeyError, KeyGeneratorConfigError, NullRecordKeyError, PartitionPathError } from '../errors.js';
import { ambiguousKeyValueProblem } from './key-checks.js';
import { fieldColumn, type FieldColumn, type KeySource, type KeyValue } from './field-values.js';
import { hasPathTraversal, partitionSegment, escapePathName, reservedSegmentProblem } from './partition-path.js';
import { EMPTY_RECORDKEY_PLACEHOLDER, NULL_RECORDKEY_PLACEHOLDER } from './placeholders.js';
import { dateFormatter, zoneOf, type DateFormatter, type Zone } from './time-format.js';

export type KeyGeneratorType = 'SIMPLE' | 'COMPLEX' | 'NON_PARTITION' | 'TIMESTAMP' | 'CUSTOM';

/** `hoodie.table.keygenerator.class` for each type (Spark writers record these). */
export const KEY_GENERATOR_CLASSES: Readonly<Record<KeyGeneratorType, string>> = {
  SIMPLE: 'org.apache.hudi.keygen.SimpleKeyGenerator',
  COMPLEX: 'org.apache.hudi.keygen.ComplexKeyGenerator',
  NON_PARTITION: 'org.apache.hudi.keygen.NonpartitionedKeyGenerator',
  TIMESTAMP: 'org.apache.hudi.keygen.TimestampBasedKeyGenerator',
  CUSTOM: 'org.apache.hudi.keygen.CustomKeyGenerator',
};

const AVRO_CLASSES: Readonly<Record<string, KeyGeneratorType>> = {
  'org.apache.hudi.keygen.SimpleAvroKeyGenerator': 'SIMPLE',
  'org.apache.hudi.keygen.ComplexAvroKeyGenerator': 'COMPLEX',
  'org.apache.hudi.keygen.NonpartitionedAvroKeyGenerator': 'NON_PARTITION',
  'org.apache.hudi.keygen.TimestampBasedAvroKeyGenerator': 'TIMESTAMP',
  'org.apache.hudi.keygen.CustomAvroKeyGenerator': 'CUSTOM',
};

export { NULL_RECORDKEY_PLACEHOLDER, EMPTY_RECORDKEY_PLACEHOLDER };

export type TimestampType = 'UNIX_TIMESTAMP' | 'EPOCHMILLISECONDS' | 'EPOCHMICROSECONDS' | 'DATE_STRING' | 'MIXED' | 'SCALAR';
export type ScalarTimeUnit = 'NANOSECONDS' | 'MICROSECONDS' | 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

/** The `hoodie.keygen.timebased.*` settings. */
export interface TimestampKeyGenOptions {
  timestampType: TimestampType;
  /** For SCALAR: the unit of the numbers (default SECONDS). */
  scalarTimeUnit?: ScalarTimeUnit;
  /** For DATE_STRING and MIXED: patterns tried in order, e.g. `yyyy-MM-dd'T'HH:mm:ssZ`. */
  inputDateFormats?: string[];
  /** Pattern of the partition value, e.g. `yyyy/MM/dd`. */
  outputDateFormat: string;
  /** Default UTC. */
  inputTimezone?: string;
  /** Default UTC. */
  outputTimezone?: string;
}

export interface KeyGeneratorOptions {
  type: KeyGeneratorType;
  /** `hoodie.datasource.write.recordkey.field`, split on commas. */
  recordKeyFields: string[];
  /** `hoodie.datasource.write.partitionpath.field`; for CUSTOM each is `field:SIMPLE` or `field:TIMESTAMP`. */
  partitionPathFields?: string[];
  /** `hoodie.datasource.write.hive_style_partitioning` (default false). */
  hiveStylePartitioning?: boolean;
  /** `hoodie.datasource.write.partitionpath.urlencode` (default false). */
  urlEncodePartitionPath?: boolean;
  /** Required for TIMESTAMP, and for CUSTOM with TIMESTAMP fields. */
  timestamp?: TimestampKeyGenOptions;
  /**
   * Refuse multi-field key values that make the `f1:v1,f2:v2` key ambiguous (a comma, or a
   * null/empty placeholder as the value). Writes of new rows set it; deletes do not, so rows an
   * engine already stored with such keys can still be deleted.
   */
  rejectAmbiguousKeys?: boolean;
}

export interface GeneratedKeys {
  recordKeys: string[];
  partitionPaths: string[];
}

export interface KeyGenerator {
  readonly type: KeyGeneratorType;
  readonly className: string;
  readonly recordKeyFields: readonly string[];
  /** Field names only (CUSTOM's `:TYPE` suffixes removed), as `hoodie.table.partition.fields` holds them. */
  readonly partitionFields: readonly string[];
  recordKeys(source: KeySource): string[];
  partitionPaths(source: KeySource): string[];
  generate(source: KeySource): GeneratedKeys;
}

/** Hudi's inference when no key generator is configured. */
export function inferKeyGeneratorType(recordKeyFields: readonly string[], partitionPathFields: readonly string[]): KeyGeneratorType {
  const parts = partitionPathFields.map((f) => f.trim()).filter((f) => f !== '');
  let type: KeyGeneratorType;
  if (parts.length === 0) type = 'NON_PARTITION';
  else if (parts[0].includes(':')) type = 'CUSTOM';
  else type = parts.length === 1 ? 'SIMPLE' : 'COMPLEX';
  if (recordKeyFields.length > 1 && type === 'SIMPLE') return 'COMPLEX';
  return type;
}

/** The type for a `hoodie.table.keygenerator.class` value (Spark or Avro variant). */
export function keyGeneratorTypeOfClass(className: string): KeyGeneratorType {
  const name = className.trim();
  for (const [type, cls] of Object.entries(KEY_GENERATOR_CLASSES) as [KeyGeneratorType, string][]) if (cls === name) return type;
  const avro = AVRO_CLASSES[name];
  if (avro) return avro;
  throw new KeyGeneratorConfigError(
    `Key generator class "${className}" is not one this library implements (${Object.values(KEY_GENERATOR_CLASSES).join(', ')}).`,
  );
}

function splitFields(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function bool(value: string | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
}

/**
 * Key generator options from Hudi properties: table config (`hoodie.table.*`) merged with
 * writer options (`hoodie.datasource.write.*`, `hoodie.keygen.timebased.*`); writer options win.
 */
export function keyGeneratorOptionsFromProperties(props: Readonly<Record<string, string | undefined>>): KeyGeneratorOptions {
  const get = (...keys: string[]): string | undefined => keys.map((k) => props[k]).find((v) => v !== undefined);
  const recordKeyFields = splitFields(get('hoodie.datasource.write.recordkey.field', 'hoodie.table.recordkey.fields'));
  const partitionPathFields = splitFields(get('hoodie.datasource.write.partitionpath.field', 'hoodie.table.partition.fields'));
  const className = get('hoodie.datasource.write.keygenerator.class', 'hoodie.table.keygenerator.class');
  const typeName = get('hoodie.datasource.write.keygenerator.type', 'hoodie.table.keygenerator.type');
  let type: KeyGeneratorType;
  if (className) type = keyGeneratorTypeOfClass(className);
  else if (typeName) {
    const t = typeName.trim().toUpperCase();
    if (!(t in KEY_GENERATOR_CLASSES)) throw new KeyGeneratorConfigError(`Key generator type "${typeName}" is not supported (${Object.keys(KEY_GENERATOR_CLASSES).join(', ')}).`);
    type = t as KeyGeneratorType;
  } else type = inferKeyGeneratorType(recordKeyFields, partitionPathFields);
  const ts = (name: string): string | undefined => get(`hoodie.keygen.timebased.${name}`, `hoodie.deltastreamer.keygen.timebased.${name}`);
  const timestampType = ts('timestamp.type');
  const legacyZone = ts('timezone');
  const delimiter = ts('input.dateformat.list.delimiter.regex') ?? ',';
  const options: KeyGeneratorOptions = {
    type,
    recordKeyFields,
    partitionPathFields,
    hiveStylePartitioning: bool(get('hoodie.datasource.write.hive_style_partitioning'), false),
    urlEncodePartitionPath: bool(get('hoodie.datasource.write.partitionpath.urlencode'), false),
  };
  if (timestampType) {
    const inputFormats = ts('input.dateformat');
    options.timestamp = {
      timestampType: timestampType.trim().toUpperCase() as TimestampType,
      scalarTimeUnit: (ts('timestamp.scalar.time.unit')?.trim().toUpperCase() as ScalarTimeUnit | undefined) ?? 'SECONDS',
      inputDateFormats: inputFormats ? inputFormats.split(new RegExp(delimiter)).map((s) => s.trim()).filter((s) => s) : [],
      outputDateFormat: ts('output.dateformat') ?? '',
      inputTimezone: legacyZone ?? ts('input.timezone') ?? 'UTC',
      outputTimezone: legacyZone ?? ts('output.timezone') ?? 'UTC',
    };
  }
  return options;
}

export interface TablePropertiesOptions {
  /** 6 (Hudi 0.14/0.15) records only the class; 8 (Hudi 1.x) also records the type. Default 6. */
  tableVersion?: number;
}

/** The key-related entries of hoodie.properties for a table written with these options. */
export function keyGeneratorTableProperties(options: KeyGeneratorOptions, tp: TablePropertiesOptions = {}): Record<string, string> {
  const gen = createKeyGenerator(options);
  const out: Record<string, string> = {
    'hoodie.table.recordkey.fields': gen.recordKeyFields.join(','),
    'hoodie.table.keygenerator.class': gen.className,
    'hoodie.datasource.write.hive_style_partitioning': String(options.hiveStylePartitioning ?? false),
    'hoodie.datasource.write.partitionpath.urlencode': String(options.urlEncodePartitionPath ?? false),
  };
  if (gen.partitionFields.length > 0) {
    // Hudi 1.x keeps CUSTOM's field types in the table config; 0.x strips them.
    out['hoodie.table.partition.fields'] =
      (tp.tableVersion ?? 6) >= 8 && gen.type === 'CUSTOM' ? (options.partitionPathFields ?? []).map((f) => f.trim()).join(',') : gen.partitionFields.join(',');
  }
  if ((tp.tableVersion ?? 6) >= 8) out['hoodie.table.keygenerator.type'] = gen.type;
  return out;
}

// ---------------------------------------------------------------------------------------------

type RowKeyFn = (source: KeySource) => string[];

function simpleRecordKeys(field: string): RowKeyFn {
  return (source) => {
    const out = fieldColumn(source, field, 'record key').texts();
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (v === null || v === '') throw new NullRecordKeyError(field, i, v === '');
    }
    return out as string[];
  };
}

function complexRecordKeys(fields: readonly string[], rejectAmbiguous: boolean): RowKeyFn {
  const checkAmbiguity = rejectAmbiguous && fields.length > 1;
  return (source) => {
    const cols = fields.map((f) => fieldColumn(source, f, 'record key'));
    const rows = source.numRows;
    const out = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      let key = '';
      let allNullOrEmpty = true;
      for (let c = 0; c < cols.length; c++) {
        const v = cols[c].text(i);
        if (c > 0) key += ',';
        if (v === null) key += `${fields[c]}:${NULL_RECORDKEY_PLACEHOLDER}`;
        else if (v === '') key += `${fields[c]}:${EMPTY_RECORDKEY_PLACEHOLDER}`;
        else {
          const bad = checkAmbiguity ? ambiguousKeyValueProblem(v) : undefined;
          if (bad) throw new InvalidRecordKeyError(fields[c], i, bad);
          key += `${fields[c]}:${v}`;
          allNullOrEmpty = false;
        }
      }
      if (allNullOrEmpty) throw new NullRecordKeyError(fields.join(','), i);
      out[i] = key;
    }
    return out;
  };
}

/** Produces one partition segment per row for one field. */
type SegmentFn = (source: KeySource) => (row: number) => string;

function simpleSegment(field: string, hiveStyle: boolean, urlEncode: boolean): SegmentFn {
  return (source) => {
    const col = fieldColumn(source, field, 'partition path');
    return (row) => partitionSegment(field, col.text(row), { hiveStyle, urlEncode });
  };
}

const TO_MILLIS: Readonly<Record<ScalarTimeUnit, [mul: bigint, div: bigint]>> = {
  NANOSECONDS: [1n, 1_000_000n],
  MICROSECONDS: [1n, 1_000n],
  MILLISECONDS: [1n, 1n],
  SECONDS: [1_000n, 1n],
  MINUTES: [60_000n, 1n],
  HOURS: [3_600_000n, 1n],
  DAYS: [86_400_000n, 1n],
};
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** Java's double -> long conversion: truncation, saturating, NaN -> 0. */
function javaLongOf(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x >= 9.223372036854776e18) return LONG_MAX;
  if (x <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(x));
}

function timestampSegment(field: string, o: TimestampKeyGenOptions, hiveStyle: boolean, urlEncode: boolean): SegmentFn {
  const types: TimestampType[] = ['UNIX_TIMESTAMP', 'EPOCHMILLISECONDS', 'EPOCHMICROSECONDS', 'DATE_STRING', 'MIXED', 'SCALAR'];
  if (!types.includes(o.timestampType)) {
    throw new KeyGeneratorConfigError(`Timestamp type "${String(o.timestampType)}" is not one of ${types.join(', ')}.`);
  }
  if (!o.outputDateFormat) throw new KeyGeneratorConfigError('The timestamp key generator needs an output date format (hoodie.keygen.timebased.output.dateformat).');
  const unit: ScalarTimeUnit | undefined =
    o.timestampType === 'EPOCHMILLISECONDS' ? 'MILLISECONDS'
    : o.timestampType === 'EPOCHMICROSECONDS' ? 'MICROSECONDS'
    : o.timestampType === 'UNIX_TIMESTAMP' ? 'SECONDS'
    : o.timestampType === 'SCALAR' ? (o.scalarTimeUnit ?? 'SECONDS')
    : undefined;
  if (unit !== undefined && !(unit in TO_MILLIS)) throw new KeyGeneratorConfigError(`Time unit "${unit}" is not one of ${Object.keys(TO_MILLIS).join(', ')}.`);
  const usesStrings = o.timestampType === 'DATE_STRING' || o.timestampType === 'MIXED';
  const inputFormats = o.inputDateFormats ?? [];
  if (usesStrings && inputFormats.length === 0) {
    throw new KeyGeneratorConfigError(`Timestamp type ${o.timestampType} needs input date formats (hoodie.keygen.timebased.input.dateformat).`);
  }
  const parsers: DateFormatter[] = inputFormats.map(dateFormatter);
  const output = dateFormatter(o.outputDateFormat);
  const inZone: Zone = zoneOf(o.inputTimezone ?? 'UTC');
  const outZone: Zone = zoneOf(o.outputTimezone ?? 'UTC');

  const toMillis = (v: bigint, row: number): number => {
    if (unit === undefined) throw new PartitionPathError(field, row, `a number cannot be read with timestamp type ${o.timestampType}; use SCALAR or EPOCHMILLISECONDS`);
    const [mul, div] = TO_MILLIS[unit];
    let ms = (v * mul) / div;
    if (ms > LONG_MAX) ms = LONG_MAX;
    if (ms < LONG_MIN) ms = LONG_MIN;
    return Number(ms);
  };
  const parse = (text: string, row: number): number => {
    for (const p of parsers) {
      const ms = p.parse(text, inZone);
      if (ms !== undefined) return ms;
    }
    throw new PartitionPathError(field, row, `"${text}" matches none of the input date formats ${inputFormats.join(' | ')}`);
  };
  // A null value partitions as 1 unit after the epoch (DATE_STRING: epoch + 1 ms in the first input format).
  const nullMillis = (row: number): number => {
    if (usesStrings) return parse(parsers[0].format(1, inZone), row);
    return toMillis(1n, row);
  };
  const millisOf = (v: KeyValue | null, row: number): number => {
    if (v === null) return nullMillis(row);
    switch (v.kind) {
      case 'double':
      case 'float':
        return toMillis(javaLongOf(v.value), row);
      case 'long':
        return toMillis(v.value, row);
      case 'int':
        return toMillis(BigInt(v.value), row);
      case 'decimal':
        return toMillis(BigInt.asIntN(64, v.unscaled / 10n ** BigInt(v.scale)), row);
      case 'date':
        return toMillis(BigInt(v.epochDay), row);
      case 'string':
        if (!usesStrings) throw new PartitionPathError(field, row, `the text "${v.value}" needs timestamp type DATE_STRING or MIXED with input date formats`);
        return parse(v.value, row);
      case 'boolean':
        throw new PartitionPathError(field, row, 'a boolean is not a timestamp');
    }
  };
  return (source) => {
    const col: FieldColumn = fieldColumn(source, field, 'partition path');
    return (row) => {
      const ms = millisOf(col.value(row), row);
      if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new PartitionPathError(field, row, 'the time is outside the representable range');
      let value = output.format(ms, outZone);
      if (urlEncode) value = escapePathName(value);
      return hiveStyle ? `${field}=${value}` : value;
    };
  };
}

function joinSegments(segments: SegmentFn[], fields: readonly string[]): (source: KeySource) => string[] {
  return (source) => {
    if (segments.length === 0) return new Array<string>(source.numRows).fill('');
    const fns = segments.map((s) => s(source));
    const rows = source.numRows;
    const out = new Array<string>(rows);
    // A batch holds few distinct paths: each is checked once, not once per row.
    const checked = new Set<string>();
    for (let i = 0; i < rows; i++) {
      let path = fns[0](i);
      for (let k = 1; k < fns.length; k++) path += `/${fns[k](i)}`;
      out[i] = path;
      if (checked.has(path)) continue;
      if (hasPathTraversal(path)) throw new PartitionPathError(fields.join(','), i, `"${path}" has a ".." segment, which would escape the table; clean the value or turn on partitionpath.urlencode`);
      const reserved = reservedSegmentProblem(path);
      if (reserved) throw new PartitionPathError(fields.join(','), i, `${reserved}; change the value or use Hive-style partitioning (field=value folders)`);
      checked.add(path);
    }
    return out;
  };
}

export function createKeyGenerator(options: KeyGeneratorOptions): KeyGenerator {
  const type = options.type;
  if (!(type in KEY_GENERATOR_CLASSES)) {
    throw new KeyGeneratorConfigError(`Key generator type "${String(type)}" is not supported (${Object.keys(KEY_GENERATOR_CLASSES).join(', ')}).`);
  }
  const recordKeyFields = (options.recordKeyFields ?? []).map((f) => f.trim()).filter((f) => f !== '');
  const rawPartitions = (options.partitionPathFields ?? []).map((f) => f.trim()).filter((f) => f !== '');
  const hive = options.hiveStylePartitioning ?? false;
  const encode = options.urlEncodePartitionPath ?? false;
  const strictKeys = options.rejectAmbiguousKeys ?? false;
  if (recordKeyFields.length === 0) {
    throw new KeyGeneratorConfigError('No record key fields: set recordKeyFields (hoodie.datasource.write.recordkey.field).');
  }
  const needOne = (what: string, list: string[]): void => {
    if (list.length !== 1) throw new KeyGeneratorConfigError(`The ${type} key generator takes exactly one ${what} field, got ${list.length} (${list.join(', ') || 'none'}); use COMPLEX or CUSTOM for several.`);
  };
  const timestampOptions = (): TimestampKeyGenOptions => {
    if (!options.timestamp) throw new KeyGeneratorConfigError(`The ${type} key generator needs timestamp options (hoodie.keygen.timebased.*).`);
    return options.timestamp;
  };

  let recordKeys: RowKeyFn;
  let segments: SegmentFn[];
  let partitionFields: string[];
  switch (type) {
    case 'SIMPLE':
      needOne('record key', recordKeyFields);
      needOne('partition path', rawPartitions);
      recordKeys = simpleRecordKeys(recordKeyFields[0]);
      partitionFields = rawPartitions;
      segments = [simpleSegment(rawPartitions[0], hive, encode)];
      break;
    case 'TIMESTAMP':
      needOne('record key', recordKeyFields);
      needOne('partition path', rawPartitions);
      recordKeys = simpleRecordKeys(recordKeyFields[0]);
      partitionFields = rawPartitions;
      segments = [timestampSegment(rawPartitions[0], timestampOptions(), hive, encode)];
      break;
    case 'COMPLEX':
      recordKeys = complexRecordKeys(recordKeyFields, strictKeys);
      partitionFields = rawPartitions;
      segments = rawPartitions.map((f) => simpleSegment(f, hive, encode));
      break;
    case 'NON_PARTITION':
      recordKeys = recordKeyFields.length === 1 ? simpleRecordKeys(recordKeyFields[0]) : complexRecordKeys(recordKeyFields, strictKeys);
      partitionFields = [];
      segments = [];
      break;
    case 'CUSTOM': {
      recordKeys = recordKeyFields.length === 1 ? simpleRecordKeys(recordKeyFields[0]) : complexRecordKeys(recordKeyFields, strictKeys);
      partitionFields = [];
      segments = rawPartitions.map((entry) => {
        const [field, kind, extra] = entry.split(':');
        if (kind === undefined || extra !== undefined || !field) {
          throw new KeyGeneratorConfigError(`CUSTOM partition field "${entry}" must look like field:SIMPLE or field:TIMESTAMP.`);
        }
        partitionFields.push(field);
        const k = kind.trim().toUpperCase();
        if (k === 'SIMPLE') return simpleSegment(field, hive, encode);
        if (k === 'TIMESTAMP') return timestampSegment(field, timestampOptions(), hive, encode);
        throw new KeyGeneratorConfigError(`CUSTOM partition type "${kind}" for "${field}" must be SIMPLE or TIMESTAMP.`);
      });
      break;
    }
  }
  const partitionPaths = joinSegments(segments, partitionFields);
  return {
    type,
    className: KEY_GENERATOR_CLASSES[type],
    recordKeyFields,
    partitionFields,
    recordKeys,
    partitionPaths,
    generate: (source) => ({ recordKeys: recordKeys(source), partitionPaths: partitionPaths(source) }),
  };
}
