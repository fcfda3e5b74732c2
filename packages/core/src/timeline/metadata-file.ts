// Reads an instant's metadata file into plain JSON-like values, whatever its encoding: JSON
// (layout 1 commits), or an Avro container (v8 commits, and rollback/clean/restore everywhere).

import { AvroUnionValue } from '../avro/avro-decoder.js';
import { isAvroContainer, readAvroContainer } from '../avro/avro-container.js';
import type { AvroType } from '../avro/avro-schema.js';
import { CorruptTimelineError } from '../errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** `v` when it is a JSON object, else undefined. */
export function jsonRecord(v: JsonValue | undefined): { [k: string]: JsonValue } | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Avro values as JSON: maps -> objects, longs -> numbers (strings beyond 2^53), bytes -> null. */
export function avroToJson(type: AvroType, value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'union': {
      if (value instanceof AvroUnionValue) return avroToJson(type.branches[value.branch], value.value);
      const branch = type.branches.find((b) => b.kind !== 'null');
      return branch ? avroToJson(branch, value) : null;
    }
    case 'long': {
      const v = value as bigint;
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    case 'bytes':
    case 'fixed':
      return null;
    case 'array':
      return (value as unknown[]).map((v) => avroToJson(type.items, v));
    case 'map': {
      const out: { [k: string]: JsonValue } = {};
      for (const [k, v] of value as [string, unknown][]) out[k] = avroToJson(type.values, v);
      return out;
    }
    case 'record': {
      const out: { [k: string]: JsonValue } = {};
      const rec = value as Record<string, unknown>;
      for (const f of type.fields) out[f.name] = avroToJson(f.type, rec[f.name]);
      return out;
    }
    default:
      return value as JsonValue;
  }
}

/**
 * Decodes metadata bytes; an empty file decodes to undefined (requested instants are often
 * empty). Anything that is neither JSON nor Avro raises CorruptTimelineError naming the file.
 */
export function decodeMetadataFile(bytes: Uint8Array, file: string): { [k: string]: JsonValue } | undefined {
  if (bytes.length === 0) return undefined;
  if (isAvroContainer(bytes)) {
    try {
      const container = readAvroContainer(bytes);
      if (container.records.length === 0) return undefined;
      const v = avroToJson(container.schema, container.records[0]);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('first record is not a record');
      return v;
    } catch (e) {
      throw new CorruptTimelineError(file, `Avro content does not decode (${(e as Error).message})`, { cause: e });
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new CorruptTimelineError(file, 'content is neither Avro nor UTF-8 JSON', { cause: e });
  }
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CorruptTimelineError(file, `JSON does not parse (${(e as Error).message})`, { cause: e });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CorruptTimelineError(file, 'JSON content is not an object');
  }
  return parsed as { [k: string]: JsonValue };
}
