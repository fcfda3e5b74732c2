// Writing log versions over the base rows they replace, in the base batch's own buffers, when a
// merge keeps every base row in place: the common update-only case, where rebuilding the batch
// would copy every column of every row for a few hundred changed ones. The base batch is freshly
// decoded for this read and nothing else holds it. Columns whose layout cannot take the new value
// in place (nulls on either side, strings of another byte length, nested or boolean types) make
// the caller rebuild the batch instead; nothing is written unless every column can be.

import { Type, type Data } from 'apache-arrow';

import { fixedWidth, type FixedValues } from '../arrow/fixed-width.js';

function fits(base: Data, log: Data, rows: Int32Array, from: Int32Array): boolean {
  if (base.nullCount !== 0 || log.nullCount !== 0 || base.type.typeId !== log.type.typeId) return false;
  if (fixedWidth(base.type)) return base.stride === log.stride;
  if (base.type.typeId !== Type.Utf8 && base.type.typeId !== Type.Binary) return false;
  const bo = base.valueOffsets as Int32Array;
  const lo = log.valueOffsets as Int32Array;
  for (let k = 0; k < rows.length; k++) {
    if (bo[rows[k] + 1] - bo[rows[k]] !== lo[from[k] + 1] - lo[from[k]]) return false;
  }
  return true;
}

/**
 * Writes row `from[k]` of each `logs` column over row `rows[k]` of the same `base` column, when
 * every column allows it; returns whether it did.
 */
export function replaceInPlace(base: Data[], logs: Data[], rows: Int32Array, from: Int32Array): boolean {
  for (let c = 0; c < base.length; c++) if (!fits(base[c], logs[c], rows, from)) return false;
  for (let c = 0; c < base.length; c++) {
    const b = base[c];
    const l = logs[c];
    if (fixedWidth(b.type)) {
      // value buffers start at a chunk's first row, `stride` elements a row
      const stride = b.stride;
      const bv = b.values as FixedValues;
      const lv = l.values as FixedValues;
      for (let k = 0; k < rows.length; k++) for (let s = 0; s < stride; s++) bv[rows[k] * stride + s] = lv[from[k] * stride + s];
      continue;
    }
    const bo = b.valueOffsets as Int32Array;
    const lo = l.valueOffsets as Int32Array;
    const bv = b.values as Uint8Array;
    const lv = l.values as Uint8Array;
    for (let k = 0; k < rows.length; k++) {
      const at = bo[rows[k]];
      const src = lo[from[k]];
      const len = lo[from[k] + 1] - src;
      for (let i = 0; i < len; i++) bv[at + i] = lv[src + i];
    }
  }
  return true;
}
