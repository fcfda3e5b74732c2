// Values lake refuses to turn into record keys or partition paths, because what would be stored
// is not what was given: lone UTF-16 surrogates (UTF-8 cannot encode them, Parquet stores U+FFFD
// instead) and multi-field key values that make Hudi's `f1:v1,f2:v2` format ambiguous.

import { EMPTY_RECORDKEY_PLACEHOLDER, NULL_RECORDKEY_PLACEHOLDER } from './placeholders.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the first UTF-16 surrogate without its pair, or -1. */
export function loneSurrogateIndex(s: string): number {
  const m = LONE_SURROGATE.exec(s);
  return m ? m.index : -1;
}

/** Why a string cannot be stored as written (a lone surrogate), or undefined. */
export function unencodableProblem(s: string): string | undefined {
  const at = loneSurrogateIndex(s);
  if (at === -1) return undefined;
  const unit = s.charCodeAt(at).toString(16).toUpperCase();
  return `it holds a lone UTF-16 surrogate (\\u${unit} at character ${at}), which UTF-8 cannot encode: it would be stored as U+FFFD and could never be found or deleted by the value given. Fix the value (decode it properly, or replace the unpaired surrogate)`;
}

/**
 * Why one field's value makes a multi-field record key ambiguous, or undefined. Keys join
 * `field:value` pairs with commas; a comma inside a value can make two different rows produce the
 * same key (`a` = "x,b:y", `b` = "z" against `a` = "x", `b` = "y,b:z"), and the null and empty
 * placeholders stand for null and empty values. A colon alone is unambiguous: the commas still
 * split the key into one piece per field.
 */
export function ambiguousKeyValueProblem(value: string): string | undefined {
  if (value.includes(',')) {
    return `the value "${value}" contains ",", which separates the fields of a multi-field record key (field1:value1,field2:value2), so two different rows could get the same key. Remove or replace the comma, or key the table on a single field`;
  }
  if (value === NULL_RECORDKEY_PLACEHOLDER || value === EMPTY_RECORDKEY_PLACEHOLDER) {
    return `the value "${value}" is the placeholder multi-field record keys use for a ${value === NULL_RECORDKEY_PLACEHOLDER ? 'null' : 'empty'} value, so the row would share its key with one whose value is ${value === NULL_RECORDKEY_PLACEHOLDER ? 'null' : 'empty'}`;
  }
  return undefined;
}

/** A row's value at a field name, or at a dotted path into nested objects (`a.b`) as Hudi's key fields allow. */
function valueAt(row: Readonly<Record<string, unknown>>, field: string): unknown {
  if (field in row) return row[field];
  let v: unknown = row;
  for (const part of field.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export interface KeyFieldProblem {
  field: string;
  kind: 'record key' | 'partition';
  why: string;
}

/**
 * Problems of one plain row's record key and partition values that converting it to Arrow would
 * hide: Arrow stores strings as UTF-8, so a lone surrogate becomes U+FFFD there and the key the
 * caller holds would no longer match the stored one. Checked on rows before conversion.
 */
export function keyFieldProblems(
  row: Readonly<Record<string, unknown>>,
  recordKeyFields: readonly string[],
  partitionFields: readonly string[],
): KeyFieldProblem[] {
  const out: KeyFieldProblem[] = [];
  const check = (fields: readonly string[], kind: KeyFieldProblem['kind']): void => {
    for (const field of fields) {
      const v = valueAt(row, field);
      const why = typeof v === 'string' ? unencodableProblem(v) : undefined;
      if (why) out.push({ field, kind, why });
    }
  };
  check(recordKeyFields, 'record key');
  check(partitionFields, 'partition');
  return out;
}
