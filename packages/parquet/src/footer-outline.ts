// The little a writer placing bloom filters needs from the footer it just encoded: the top-level
// leaf columns (name, physical type, leaf index) and each row group's row count. Read straight
// off the thrift bytes, stopping before the key-value list, with nothing decoded beyond these
// fields: a full parse (statistics of every chunk, the schema's annotations) was most of what
// adding filters cost a small file.

import type { PhysicalType } from './file-metadata.js';
import { readBinary, readFieldHeader, readListHeader, readZigZag, skipValue, ThriftType, type ThriftReader } from './thrift-compact.js';

/** A top-level column stored as one leaf (not a group, list or map). */
interface OutlineColumn {
  name: string;
  physicalType: PhysicalType;
  /** Its position among all leaves, as column chunks are listed in each row group. */
  index: number;
}

export interface FooterOutline {
  columns: OutlineColumn[];
  /** Rows of each row group, in file order. */
  rowGroupRows: number[];
}

const PHYSICAL: readonly PhysicalType[] = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];

interface Element {
  name: string;
  type?: number;
  children: number;
}

/** Fields 1 (type), 4 (name) and 5 (num_children) of a SchemaElement. */
function readElement(r: ThriftReader): Element {
  const e: Element = { name: '', children: 0 };
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.id === 1 && h.type === ThriftType.I32) e.type = Number(readZigZag(r));
    else if (h.id === 4 && h.type === ThriftType.BINARY) e.name = new TextDecoder().decode(readBinary(r));
    else if (h.id === 5 && h.type === ThriftType.I32) e.children = Number(readZigZag(r));
    else skipValue(r, h.type);
  }
  return e;
}

/** Field 3 (num_rows) of a RowGroup. */
function readRowGroupRows(r: ThriftReader): number {
  let rows: number | undefined;
  let last = 0;
  for (let h = readFieldHeader(r, last); h; h = readFieldHeader(r, last)) {
    last = h.id;
    if (h.id === 3 && h.type === ThriftType.I64) rows = Number(readZigZag(r));
    else skipValue(r, h.type);
  }
  if (rows === undefined) throw new Error('a row group has no row count');
  return rows;
}

/** The top-level leaves of a flattened schema (root first, children in depth-first order). */
function topLevelLeaves(elements: Element[]): OutlineColumn[] {
  const out: OutlineColumn[] = [];
  if (elements.length === 0) throw new Error('the schema is empty');
  // children still to come at each open level; the root's level is depth 1
  const open: number[] = [elements[0].children];
  let leaf = 0;
  for (let i = 1; i < elements.length; i++) {
    if (open.length === 0) throw new Error('the schema lists elements outside its tree');
    const e = elements[i];
    const depth = open.length;
    open[open.length - 1]--;
    if (e.children > 0) {
      open.push(e.children);
    } else {
      const physicalType = e.type === undefined ? undefined : PHYSICAL[e.type];
      if (physicalType === undefined) throw new Error(`leaf column ${e.name} has no known physical type`);
      if (depth === 1) out.push({ name: e.name, physicalType, index: leaf });
      leaf++;
    }
    while (open.length > 0 && open[open.length - 1] === 0) open.pop();
  }
  if (open.length > 0) throw new Error('the schema ends before all children were listed');
  return out;
}

/** The outline of a thrift FileMetaData; throws on bytes that are not one. */
export function footerOutline(thrift: Uint8Array): FooterOutline {
  const r: ThriftReader = { bytes: thrift, pos: 0 };
  const elements: Element[] = [];
  const rowGroupRows: number[] = [];
  let last = 0;
  for (let h = readFieldHeader(r, last); h && h.id < 5; h = readFieldHeader(r, last)) {
    last = h.id;
    if ((h.id === 2 || h.id === 4) && h.type === ThriftType.LIST) {
      const list = readListHeader(r);
      for (let i = 0; i < list.size; i++) {
        if (h.id === 2) elements.push(readElement(r));
        else rowGroupRows.push(readRowGroupRows(r));
      }
    } else {
      skipValue(r, h.type);
    }
  }
  return { columns: topLevelLeaves(elements), rowGroupRows };
}
