// Arrow types whose values sit in one plain typed array at a fixed number of elements per row
// (`Data.stride`), so rows can be moved or overwritten as ranges of that array.

import { Type, type DataType } from 'apache-arrow';

/** The typed arrays such columns keep their values in. */
export type FixedValues = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** Whether each row of `type` is `stride` elements of its values array (decimals: several). */
export function fixedWidth(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration:
      return true;
    default:
      return false;
  }
}
