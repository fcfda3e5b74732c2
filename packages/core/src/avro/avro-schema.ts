// Avro schemas in their two forms: as JSON (the text Hudi stores; object keys are created in the
// order Java Avro prints them: type, name, namespace, ..., fields, so JSON.stringify gives that
// text) and as a parsed tree (named types resolved, namespaces applied) that the decoder and the
// Arrow mapping walk without re-reading JSON. parseAvroSchema turns the first into the second.

import { SchemaError } from '../errors.js';

// --- The JSON form (written by arrow-to-avro, read by the encoders) ---

export type AvroJsonPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroJsonField {
  name: string;
  type: AvroJsonType;
  doc?: string;
  default?: unknown;
}

export interface AvroJsonRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroJsonField[];
}

export interface AvroJsonFixed {
  type: 'fixed';
  name: string;
  namespace?: string;
  size: number;
  logicalType?: string;
  precision?: number;
  scale?: number;
}

export interface AvroJsonEnum {
  type: 'enum';
  name: string;
  namespace?: string;
  symbols: string[];
}

export interface AvroJsonArray {
  type: 'array';
  items: AvroJsonType;
}

export interface AvroJsonMap {
  type: 'map';
  values: AvroJsonType;
}

/** A primitive annotated with a logical type, e.g. {type:'int', logicalType:'date'}. */
export interface AvroJsonAnnotated {
  type: AvroJsonPrimitive;
  logicalType?: string;
  precision?: number;
  scale?: number;
}

/** A union, a named-type reference (string), or any of the above. */
export type AvroJsonType = AvroJsonPrimitive | string | AvroJsonRecord | AvroJsonFixed | AvroJsonEnum | AvroJsonArray | AvroJsonMap | AvroJsonAnnotated | AvroJsonType[];

// --- The parsed form (built by parseAvroSchema, read by the decoder and avro-to-arrow) ---

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

interface Logical {
  logicalType?: string;
  precision?: number;
  scale?: number;
}

export type AvroType =
  | ({ kind: AvroPrimitive } & Logical)
  | ({ kind: 'fixed'; name: string; size: number } & Logical)
  | { kind: 'enum'; name: string; symbols: string[] }
  | { kind: 'array'; items: AvroType }
  | { kind: 'map'; values: AvroType }
  | { kind: 'record'; name: string; fields: AvroField[] }
  | { kind: 'union'; branches: AvroType[] };

export interface AvroField {
  name: string;
  type: AvroType;
  default?: unknown;
  doc?: string;
}

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Parses an Avro schema from JSON text or an already-parsed JSON value. */
export function parseAvroSchema(schema: string | object): AvroType {
  let json: Json;
  if (typeof schema === 'string') {
    try {
      json = JSON.parse(schema) as Json;
    } catch (e) {
      throw new SchemaError(`Avro schema is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  } else json = schema as Json;
  return parseType(json, undefined, new Map());
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function parseType(json: Json, namespace: string | undefined, named: Map<string, AvroType>): AvroType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { kind: json as AvroPrimitive };
    const ref = named.get(fullName(json, namespace)) ?? named.get(json);
    if (!ref) throw new SchemaError(`Avro schema refers to unknown type "${json}"`);
    return ref;
  }
  if (Array.isArray(json)) {
    return { kind: 'union', branches: json.map((b) => parseType(b, namespace, named)) };
  }
  if (json === null || typeof json !== 'object') {
    throw new SchemaError(`Avro schema has an invalid type definition: ${JSON.stringify(json)}`);
  }
  const type = json.type;
  const logical: Logical = {};
  if (typeof json.logicalType === 'string') logical.logicalType = json.logicalType;
  if (typeof json.precision === 'number') logical.precision = json.precision;
  if (typeof json.scale === 'number') logical.scale = json.scale;
  if (typeof type === 'string' && PRIMITIVES.has(type)) return { kind: type as AvroPrimitive, ...logical };
  const ns = typeof json.namespace === 'string' ? json.namespace : namespace;
  switch (type) {
    case 'fixed': {
      const name = requireName(json, ns);
      const size = json.size;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
        throw new SchemaError(`Avro fixed type ${name} has an invalid size`);
      }
      const t: AvroType = { kind: 'fixed', name, size, ...logical };
      named.set(name, t);
      return t;
    }
    case 'enum': {
      const name = requireName(json, ns);
      const symbols = Array.isArray(json.symbols) ? json.symbols.map(String) : [];
      const t: AvroType = { kind: 'enum', name, symbols };
      named.set(name, t);
      return t;
    }
    case 'array':
      if (json.items === undefined) throw new SchemaError('Avro array type has no "items"');
      return { kind: 'array', items: parseType(json.items, ns, named) };
    case 'map':
      if (json.values === undefined) throw new SchemaError('Avro map type has no "values"');
      return { kind: 'map', values: parseType(json.values, ns, named) };
    case 'record':
    case 'error': {
      const name = requireName(json, ns);
      const fields: AvroField[] = [];
      // Registered before the fields so recursive references resolve to this record.
      const t: AvroType = { kind: 'record', name, fields };
      named.set(name, t);
      const recordNs = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ns;
      if (!Array.isArray(json.fields)) throw new SchemaError(`Avro record ${name} has no "fields" array`);
      for (const f of json.fields) {
        if (f === null || typeof f !== 'object' || Array.isArray(f) || typeof f.name !== 'string' || f.type === undefined) {
          throw new SchemaError(`Avro record ${name} has an invalid field: ${JSON.stringify(f)}`);
        }
        const field: AvroField = { name: f.name, type: parseType(f.type, recordNs, named) };
        if ('default' in f) field.default = f.default;
        if (typeof f.doc === 'string') field.doc = f.doc;
        fields.push(field);
      }
      return t;
    }
    default:
      if (typeof type === 'object' && type !== null) return parseType(type, ns, named);
      if (typeof type === 'string') return parseType(type, ns, named);
      throw new SchemaError(`Avro schema has an unknown type ${JSON.stringify(type)}`);
  }
}

function requireName(json: { [k: string]: Json }, namespace: string | undefined): string {
  if (typeof json.name !== 'string' || json.name === '') {
    throw new SchemaError(`Avro ${String(json.type)} type has no name`);
  }
  return fullName(json.name, namespace);
}

/** The non-null branch of a `[null, T]` / `[T, null]` union, or undefined for other types. */
export function nullableBranch(type: AvroType): AvroType | undefined {
  if (type.kind !== 'union') return undefined;
  const nonNull = type.branches.filter((b) => b.kind !== 'null');
  return nonNull.length === 1 && nonNull.length < type.branches.length ? nonNull[0] : undefined;
}
