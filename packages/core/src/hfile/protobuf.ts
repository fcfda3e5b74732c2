// The little of the protobuf wire format HFile v3 needs: its trailer and file info are small
// messages of varint, length-delimited and (never, in practice) fixed-width fields. A full
// protobuf library would be larger than everything that reads them.

import { HFileFormatError } from '../errors.js';

type ProtoValue = { wire: 0; value: bigint } | { wire: 2; value: Uint8Array } | { wire: 1 | 5; value: Uint8Array };

export interface ProtoField {
  field: number;
  v: ProtoValue;
}

/** Reads a base-128 varint at `pos`; returns the value and the position after it. */
function readVarint(bytes: Uint8Array, pos: number, end = bytes.length): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let p = pos; p < end; p++) {
    const b = bytes[p]!;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, next: p + 1 };
    shift += 7n;
    if (shift > 63n) break;
  }
  throw new HFileFormatError(`protobuf varint at offset ${pos} is truncated or longer than 10 bytes`);
}

/** The fields of one message, in wire order (repeated fields appear once per value). */
export function readProtoFields(bytes: Uint8Array, what: string): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos);
    pos = tag.next;
    const field = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (field === 0) throw new HFileFormatError(`${what}: protobuf field number 0 at offset ${pos}`);
    if (wire === 0) {
      const v = readVarint(bytes, pos);
      pos = v.next;
      out.push({ field, v: { wire: 0, value: v.value } });
    } else if (wire === 2) {
      const len = readVarint(bytes, pos);
      pos = len.next;
      const n = Number(len.value);
      if (pos + n > bytes.length) throw new HFileFormatError(`${what}: protobuf field ${field} runs past the message end`);
      out.push({ field, v: { wire: 2, value: bytes.subarray(pos, pos + n) } });
      pos += n;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > bytes.length) throw new HFileFormatError(`${what}: protobuf field ${field} runs past the message end`);
      out.push({ field, v: { wire, value: bytes.subarray(pos, pos + n) } });
      pos += n;
    } else {
      throw new HFileFormatError(`${what}: unsupported protobuf wire type ${wire} for field ${field}`);
    }
  }
  return out;
}

/**
 * A length-delimited message as Java's `writeDelimitedTo` writes it: a varint length, then the
 * message. Returns the message bytes.
 */
export function delimitedMessage(bytes: Uint8Array, what: string): Uint8Array {
  const len = readVarint(bytes, 0);
  const n = Number(len.value);
  if (len.next + n > bytes.length) throw new HFileFormatError(`${what}: delimited message of ${n} bytes runs past its block`);
  return bytes.subarray(len.next, len.next + n);
}

export function protoNumber(f: ProtoField, what: string): number {
  if (f.v.wire !== 0) throw new HFileFormatError(`${what}: field ${f.field} is not a varint`);
  // Java writes int64 fields (e.g. -1 for "no data block") as ten-byte two's complement varints.
  const v = BigInt.asIntN(64, f.v.value);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new HFileFormatError(`${what}: field ${f.field} is out of range`);
  return Number(v);
}

export function protoBytes(f: ProtoField, what: string): Uint8Array {
  if (f.v.wire !== 2) throw new HFileFormatError(`${what}: field ${f.field} is not length-delimited`);
  return f.v.value;
}
