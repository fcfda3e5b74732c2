// Checks a request body against the Glue API model the SDK ships (its operation schemas): every
// required member present, no member the model does not know, each value of the modelled type.
// Schema encoding (smithy "static schemas"): 0 string, 1 number, 2 boolean, 4-7 timestamps,
// 21 blob, `64 | t` list of t, `128 | t` map of t, [1 ...] list, [2 ...] map, [3 ...] structure
// whose last element is how many of its leading members are required.

import * as sdk from '@aws-sdk/client-glue';

type Schema = number | (() => Schema) | unknown[];

function resolve(s: Schema): Schema {
  return typeof s === 'function' ? resolve(s()) : s;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function checkValue(schema: Schema, value: unknown, path: string, out: string[]): void {
  const s = resolve(schema);
  if (typeof s === 'number') {
    if (s >= 128) {
      if (typeName(value) !== 'object') return void out.push(`${path}: expected a map, got ${typeName(value)}`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) checkValue(s & ~128, v, `${path}.${k}`, out);
      return;
    }
    if (s >= 64) {
      if (!Array.isArray(value)) return void out.push(`${path}: expected a list, got ${typeName(value)}`);
      value.forEach((v, i) => checkValue(s & ~64, v, `${path}[${i}]`, out));
      return;
    }
    const expected = s === 0 || s === 21 ? 'string' : s === 2 ? 'boolean' : s >= 4 && s <= 7 ? 'number' : 'number';
    if (s === 15 || s === 17 || s === 19) return; // big numbers: string or number
    if (typeName(value) !== expected) out.push(`${path}: expected a ${expected}, got ${typeName(value)}`);
    return;
  }
  const node = s as unknown[];
  const kind = node[0] as number;
  if (kind === 0) return checkValue(node[4] as Schema, value, path, out);
  if (kind === 1) {
    if (!Array.isArray(value)) return void out.push(`${path}: expected a list, got ${typeName(value)}`);
    value.forEach((v, i) => checkValue(node[4] as Schema, v, `${path}[${i}]`, out));
    return;
  }
  if (kind === 2) {
    if (typeName(value) !== 'object') return void out.push(`${path}: expected a map, got ${typeName(value)}`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) checkValue(node[5] as Schema, v, `${path}.${k}`, out);
    return;
  }
  if (kind === 3) return checkStruct(node, value, path, out);
  out.push(`${path}: schema kind ${kind} is not modelled by this check`);
}

function checkStruct(s: unknown[], value: unknown, path: string, out: string[]): void {
  if (typeName(value) !== 'object') return void out.push(`${path}: expected a structure, got ${typeName(value)}`);
  const names = s[4] as string[];
  const schemas = s[5] as Schema[];
  const required = typeof s[6] === 'number' ? s[6] : 0;
  const obj = value as Record<string, unknown>;
  for (let i = 0; i < required; i++) if (obj[names[i]] === undefined) out.push(`${path}.${names[i]}: required member missing`);
  for (const [k, v] of Object.entries(obj)) {
    const i = names.indexOf(k);
    if (i === -1) out.push(`${path}.${k}: not a member of ${String(s[2])}`);
    else checkValue(schemas[i], v, `${path}.${k}`, out);
  }
}

/** Problems with a request to a Glue operation; empty when it matches the model. */
export function requestProblems(operation: string, body: unknown): string[] {
  const op = (sdk as unknown as Record<string, unknown>)[`${operation}$`];
  if (!Array.isArray(op) || op[0] !== 9) return [`${operation}: not a Glue operation in the SDK model`];
  const out: string[] = [];
  checkValue(op[4] as Schema, body, operation, out);
  return out;
}
