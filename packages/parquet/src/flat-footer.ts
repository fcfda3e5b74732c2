// The footer of a file held in memory, read straight off its thrift bytes for the JavaScript
// page decoder (flat-read.ts): the schema's leaves with the annotations that decide how their
// values map to Arrow, and each row group's chunk ranges. Statistics, key-value values and
// everything else are skipped unread: for the many small Parquet data blocks of a log file the
// full parse cost more than decoding their data.

import { readBinary, readFieldHeader, readListHeader, readZigZagNumber, skipValue, ThriftType, type ThriftReader } from './thrift-compact.js';

/** Thrift enum values of the Parquet physical types. */
export const Physical = { BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;

/** The annotations of a leaf that change what its stored values mean. */
interface FlatAnnotation {
  /** Legacy converted type (thrift enum), when written. */
  converted?: number;
  /** Logical type union member (thrift field id), when written. */
  logical?: number;
  /** TIMESTAMP / TIME unit: 1 millis, 2 micros, 3 nanos. */
  unit?: number;
  /** DECIMAL scale (logical type, else the element's scale field). */
  scale?: number;
}

export interface FlatLeaf extends FlatAnnotation {
  /** Top-level field the leaf belongs to. */
  field: number;
  /** Whether the leaf is the field itself (a primitive top-level column). */
  topLevel: boolean;
  physical: number;
  typeLength: number;
  /** 0 required, 1 optional, 2 repeated. */
  repetition: number;
}

export interface FlatChunk {
  codec: number;
  numValues: number;
  start: number;
  length: number;
}

export interface FlatFooter {
  /** Top-level field names, in schema order. */
  fields: string[];
  /** The leaf of each top-level field stored as one primitive column, else -1. */
  fieldLeaf: number[];
  leaves: FlatLeaf[];
  rowGroups: { numRows: number; chunks: FlatChunk[] }[];
  /** The thrift bytes Arrow schemas are derived from: the schema and the key-value list. */
  schemaBytes: Uint8Array;
  keyValueBytes: Uint8Array;
  /** A hash of those bytes, to find schemas derived from the same ones. */
  schemaHash: number;
}

interface Element extends FlatAnnotation {
  name: string;
  physical?: number;
  typeLength: number;
  repetition: number;
  children: number;
}

const utf8 = new TextDecoder();

/** A name's UTF-8 bytes as a string; ASCII names (nearly all) skip the TextDecoder call. */
function decodeName(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] > 0x7f) return utf8.decode(bytes);
    s += String.fromCharCode(bytes[i]);
  }
  return s;
}

function hashInto(h: number, bytes: Uint8Array): number {
  // FNV-1a, 32 bits
  let x = h;
  for (let i = 0; i < bytes.length; i++) x = Math.imul(x ^ bytes[i], 0x01000193);
  return x;
}

function readStruct(r: ThriftReader, onField: (id: number, type: number) => boolean): void {
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (!onField(h.id, h.type)) skipValue(r, h.type);
  }
}

const isInt = (type: number): boolean => type === ThriftType.I32 || type === ThriftType.I64 || type === ThriftType.I16 || type === ThriftType.BYTE;

/** The LogicalType union: which member, and the unit or scale where it has one. */
function readLogical(r: ThriftReader, e: Element): void {
  readStruct(r, (id, type) => {
    if (type !== ThriftType.STRUCT) return false;
    e.logical = id;
    readStruct(r, (sub, subType) => {
      if (id === 5 && sub === 1 && isInt(subType)) e.scale = readZigZagNumber(r);
      else if ((id === 7 || id === 8) && sub === 2 && subType === ThriftType.STRUCT) {
        readStruct(r, (unit, unitType) => {
          if (unitType !== ThriftType.STRUCT) return false;
          e.unit = unit;
          return false;
        });
      } else return false;
      return true;
    });
    return true;
  });
}

function readElement(r: ThriftReader): Element {
  const e: Element = { name: '', typeLength: 0, repetition: 0, children: 0 };
  let scale: number | undefined;
  readStruct(r, (id, type) => {
    if (id === 4 && type === ThriftType.BINARY) e.name = decodeName(readBinary(r));
    else if (id === 10 && type === ThriftType.STRUCT) readLogical(r, e);
    else if (!isInt(type)) return false;
    else if (id === 1) e.physical = readZigZagNumber(r);
    else if (id === 2) e.typeLength = readZigZagNumber(r);
    else if (id === 3) e.repetition = readZigZagNumber(r);
    else if (id === 5) e.children = readZigZagNumber(r);
    else if (id === 6) e.converted = readZigZagNumber(r);
    else if (id === 7) scale = readZigZagNumber(r);
    else return false;
    return true;
  });
  if (e.scale === undefined && scale !== undefined) e.scale = scale;
  return e;
}

function readChunk(r: ThriftReader): FlatChunk {
  let codec = -1;
  let numValues = -1;
  let length = -1;
  let dataOffset = -1;
  let dictionaryOffset = -1;
  let external = false;
  readStruct(r, (id, type) => {
    if (id === 1 && type === ThriftType.BINARY) external = true;
    if (id !== 3 || type !== ThriftType.STRUCT) return false;
    readStruct(r, (m, mType) => {
      if (!isInt(mType)) return false;
      if (m === 4) codec = readZigZagNumber(r);
      else if (m === 5) numValues = readZigZagNumber(r);
      else if (m === 7) length = readZigZagNumber(r);
      else if (m === 9) dataOffset = readZigZagNumber(r);
      else if (m === 11) dictionaryOffset = readZigZagNumber(r);
      else return false;
      return true;
    });
    return true;
  });
  if (external || codec < 0 || numValues < 0 || length < 0 || dataOffset < 0) throw new Error('a column chunk lacks its metadata or lives in another file');
  const start = dictionaryOffset > 0 && dictionaryOffset < dataOffset ? dictionaryOffset : dataOffset;
  return { codec, numValues, start, length };
}

function readRowGroup(r: ThriftReader): { numRows: number; chunks: FlatChunk[] } {
  const chunks: FlatChunk[] = [];
  let numRows = -1;
  readStruct(r, (id, type) => {
    if (id === 1 && type === ThriftType.LIST) {
      const list = readListHeader(r);
      for (let i = 0; i < list.size; i++) chunks.push(readChunk(r));
    } else if (id === 3 && isInt(type)) numRows = readZigZagNumber(r);
    else return false;
    return true;
  });
  if (numRows < 0) throw new Error('a row group has no row count');
  return { numRows, chunks };
}

/** Leaves of the flattened schema tree (root first, children depth-first) with their fields. */
function schemaLeaves(elements: Element[]): { fields: string[]; fieldLeaf: number[]; leaves: FlatLeaf[] } {
  if (elements.length === 0) throw new Error('the schema is empty');
  const fields: string[] = [];
  const fieldLeaf: number[] = [];
  const leaves: FlatLeaf[] = [];
  const open: number[] = [elements[0].children];
  for (let i = 1; i < elements.length; i++) {
    if (open.length === 0) throw new Error('the schema lists elements outside its tree');
    const e = elements[i];
    const depth = open.length;
    open[open.length - 1]--;
    if (depth === 1) {
      fields.push(e.name);
      fieldLeaf.push(e.children > 0 ? -1 : leaves.length);
    }
    if (e.children > 0) open.push(e.children);
    else {
      if (e.physical === undefined) throw new Error(`leaf column ${e.name} has no physical type`);
      const { converted, logical, unit, scale } = e;
      leaves.push({ field: fields.length - 1, topLevel: depth === 1, physical: e.physical, typeLength: e.typeLength, repetition: e.repetition, converted, logical, unit, scale });
    }
    while (open.length > 0 && open[open.length - 1] === 0) open.pop();
  }
  if (open.length > 0) throw new Error('the schema ends before all children were listed');
  return { fields, fieldLeaf, leaves };
}

interface ParsedSchema {
  bytes: Uint8Array;
  fields: string[];
  fieldLeaf: number[];
  leaves: FlatLeaf[];
}

/**
 * Schemas already parsed, by the hash of their thrift bytes: the blocks of one writer repeat the
 * same schema, so each block only hashes and compares its bytes. Bounded, cleared when full.
 */
const parsedSchemas = new Map<number, ParsedSchema[]>();
const PARSED_SCHEMAS_MAX = 64;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseSchema(bytes: Uint8Array, hash: number): ParsedSchema {
  const known = parsedSchemas.get(hash) ?? [];
  for (const p of known) if (sameBytes(p.bytes, bytes)) return p;
  const r: ThriftReader = { bytes, pos: 0 };
  const list = readListHeader(r);
  const elements: Element[] = [];
  for (let i = 0; i < list.size; i++) elements.push(readElement(r));
  // the cached copy must not keep a whole file alive through a view
  const parsed = { bytes: bytes.slice(), ...schemaLeaves(elements) };
  if (parsedSchemas.size >= PARSED_SCHEMAS_MAX) parsedSchemas.clear();
  parsedSchemas.set(hash, [...known, parsed]);
  return parsed;
}

/** Parses the thrift FileMetaData of a file; throws on anything it cannot follow. */
export function flatFooter(thrift: Uint8Array): FlatFooter {
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  const rowGroups: FlatFooter['rowGroups'] = [];
  let schemaBytes: Uint8Array | undefined;
  let keyValueBytes: Uint8Array = new Uint8Array(0);
  readStruct(r, (id, type) => {
    if (type !== ThriftType.LIST) return false;
    const start = r.pos;
    if (id === 4) {
      const list = readListHeader(r);
      for (let i = 0; i < list.size; i++) rowGroups.push(readRowGroup(r));
      return true;
    }
    if (id !== 2 && id !== 5) return false;
    skipValue(r, type);
    if (id === 2) schemaBytes = thrift.subarray(start, r.pos);
    else keyValueBytes = thrift.subarray(start, r.pos);
    return true;
  });
  if (!schemaBytes) throw new Error('the footer has no schema');
  const hash = hashInto(0x811c9dc5, schemaBytes);
  const { fields, fieldLeaf, leaves } = parseSchema(schemaBytes, hash | 0);
  for (const rg of rowGroups) if (rg.chunks.length !== leaves.length) throw new Error('a row group does not list one chunk per leaf column');
  const schemaHash = hashInto(hash, keyValueBytes) | 0;
  return { fields, fieldLeaf, leaves, rowGroups, schemaBytes, keyValueBytes, schemaHash };
}
