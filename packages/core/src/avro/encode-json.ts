// Plain JavaScript values -> Avro binary, for the small records Hudi keeps on the timeline
// (compaction, clustering, clean and rollback plans and metadata). Unions take unwrapped values
// and pick their branch by the value's kind (null, boolean, number, string, bytes, array,
// object), one branch per kind; a record field left undefined takes its default.

import { AvroEncodeError } from '../errors.js';
import type { AvroWriter } from './avro-writer.js';

type Schema = unknown;
type Named = Map<string, Schema>;

const utf8 = new TextEncoder();

function fail(path: string, why: string): never {
  throw new AvroEncodeError(`Cannot encode ${path || 'the record'} as Avro: ${why}.`);
}

function typeName(schema: Schema): string {
  if (typeof schema === 'string') return schema;
  if (Array.isArray(schema)) return 'union';
  return String((schema as { type: unknown }).type);
}

/** Registers the named types of `schema` (records, enums, fixed) by short and full name. */
function collectNames(schema: Schema, namespace: string | undefined, named: Named): void {
  if (Array.isArray(schema)) {
    for (const branch of schema) collectNames(branch, namespace, named);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as { type: string; name?: string; namespace?: string; fields?: { type: Schema }[]; items?: Schema; values?: Schema };
  if ((s.type === 'record' || s.type === 'error' || s.type === 'enum' || s.type === 'fixed') && s.name) {
    const ns = s.name.includes('.') ? s.name.slice(0, s.name.lastIndexOf('.')) : (s.namespace ?? namespace);
    const short = s.name.includes('.') ? s.name.slice(s.name.lastIndexOf('.') + 1) : s.name;
    named.set(short, schema);
    if (ns) named.set(`${ns}.${short}`, schema);
    for (const f of s.fields ?? []) collectNames(f.type, ns, named);
    return;
  }
  if (s.type === 'array') collectNames(s.items, namespace, named);
  if (s.type === 'map') collectNames(s.values, namespace, named);
}

function resolve(schema: Schema, named: Named): Schema {
  if (typeof schema === 'string' && named.has(schema)) return named.get(schema);
  return schema;
}

/** The kind of value a branch of an unwrapped union takes. */
function bucketOfType(schema: Schema, named: Named): string {
  const t = typeName(resolve(schema, named));
  if (t === 'int' || t === 'long' || t === 'float' || t === 'double') return 'number';
  if (t === 'string' || t === 'enum') return 'string';
  if (t === 'bytes' || t === 'fixed') return 'bytes';
  if (t === 'map' || t === 'record' || t === 'error') return 'object';
  return t;
}

function bucketOfValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return 'number';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function write(schema: Schema, value: unknown, out: AvroWriter, named: Named, path: string): void {
  const s = resolve(schema, named);
  if (Array.isArray(s)) {
    const bucket = bucketOfValue(value);
    const index = s.findIndex((branch) => bucketOfType(branch, named) === bucket);
    if (index < 0) fail(path, `no branch of the union takes a ${bucket}`);
    out.long(index);
    write(s[index], value, out, named, path);
    return;
  }
  const t = typeName(s);
  const o = s as { fields?: { name: string; type: Schema; default?: unknown }[]; symbols?: string[]; items?: Schema; values?: Schema; size?: number };
  switch (t) {
    case 'null':
      if (value !== null && value !== undefined) fail(path, 'expected null');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, 'expected a boolean');
      return out.boolean(value);
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'expected an integer');
      return out.int(value);
    case 'long':
      if (typeof value !== 'bigint' && (typeof value !== 'number' || !Number.isInteger(value))) fail(path, 'expected an integer');
      return out.long(value);
    case 'float':
    case 'double':
      if (typeof value !== 'number') fail(path, 'expected a number');
      return t === 'float' ? out.float(value) : out.double(value);
    case 'string':
      if (typeof value !== 'string') fail(path, 'expected a string');
      return out.bytes(utf8.encode(value));
    case 'bytes':
      if (!(value instanceof Uint8Array)) fail(path, 'expected bytes');
      return out.bytes(value);
    case 'fixed':
      if (!(value instanceof Uint8Array) || value.length !== o.size) fail(path, `expected ${o.size} bytes`);
      return out.raw(value);
    case 'enum': {
      const index = typeof value === 'string' ? (o.symbols ?? []).indexOf(value) : -1;
      if (index < 0) fail(path, `"${String(value)}" is not a symbol of the enum`);
      return out.int(index);
    }
    case 'array': {
      if (!Array.isArray(value)) fail(path, 'expected an array');
      if (value.length > 0) {
        out.long(value.length);
        value.forEach((item, i) => write(o.items, item, out, named, `${path}[${i}]`));
      }
      return out.long(0);
    }
    case 'map': {
      if (typeof value !== 'object' || value === null) fail(path, 'expected an object');
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
      if (entries.length > 0) {
        out.long(entries.length);
        for (const [k, v] of entries) {
          out.bytes(utf8.encode(String(k)));
          write(o.values, v, out, named, `${path}.${String(k)}`);
        }
      }
      return out.long(0);
    }
    case 'record':
    case 'error': {
      if (typeof value !== 'object' || value === null) fail(path, 'expected an object');
      const record = value as Record<string, unknown>;
      for (const f of o.fields ?? []) {
        const v = record[f.name] === undefined && 'default' in f ? f.default : record[f.name];
        write(f.type, v, out, named, path ? `${path}.${f.name}` : f.name);
      }
      return;
    }
    default:
      fail(path, `unknown Avro type ${t}`);
  }
}

/** Returns an encoder of values of `schema` (an Avro schema as JSON) into `out`. */
export function jsonAvroEncoder(schema: object): (value: unknown, out: AvroWriter) => void {
  const named: Named = new Map();
  collectNames(schema, undefined, named);
  return (value, out) => write(schema, value, out, named, '');
}
