// The schema of a table's first batch when the table has none yet: each column takes the type
// its values agree on, by majority, so a few bad records cannot decide a column's type for good
// (one "not-a-number" among thousands of integers). The records that do not fit the chosen type
// fail validation afterwards and go to quarantine with the reason.

import { Field, Schema, Utf8, type DataType } from 'apache-arrow';
import { inferSchema, inferType, type Row } from '@lake/core/format';

import { createValidator } from './validate.js';

/**
 * Share of a column's values that may fail its majority type before the column falls back to
 * text (which holds any scalar): beyond it the values disagree too much to call the rest bad.
 */
const MAX_NONCONFORMING_SHARE = 0.1;

type Family = 'boolean' | 'number' | 'string' | 'bytes' | 'array' | 'object';

function familyOf(v: unknown): Family {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : 'string';
}

/** The type of one column's values: the one most of them share, if few enough disagree. */
export function inferColumnType(values: readonly unknown[], name: string): DataType {
  const present = values.filter((v) => v !== null && v !== undefined);
  const byFamily = new Map<Family, unknown[]>();
  for (const v of present) {
    const f = familyOf(v);
    const list = byFamily.get(f);
    if (list) list.push(v);
    else byFamily.set(f, [v]);
  }
  // Values that agree: the type every reader of the first write has always inferred.
  if (byFamily.size <= 1) return inferType(present, name);
  let majority: Family = 'string';
  let most = -1;
  for (const [f, list] of byFamily) {
    if (list.length > most) {
      majority = f;
      most = list.length;
    }
  }
  if (majority === 'string') return new Utf8();
  const type = inferType(byFamily.get(majority)!, name);
  // Values of other kinds that the validator converts safely ("42" into an integer column) fit.
  const fits = createValidator(new Schema([new Field(name, type, true)]));
  let misfits = 0;
  for (const [f, list] of byFamily) {
    if (f === majority) continue;
    for (const v of list) if (!fits({ [name]: v }).ok) misfits++;
  }
  return misfits <= present.length * MAX_NONCONFORMING_SHARE ? type : inferType(present, name);
}

/** A schema for `rows`: columns in first-seen order, all nullable, each typed by its majority. */
export function inferBatchSchema(rows: readonly Row[]): Schema {
  return inferSchema(rows, inferColumnType);
}
