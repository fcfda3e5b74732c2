// Parquet's RLE / bit-packed hybrid encoding, which carries definition levels, dictionary
// indexes and RLE booleans: runs of one repeated value and groups of 8 values bit-packed
// least-significant bit first, each behind a varint header.

/** Raised on bytes that do not hold the values they claim; the caller falls back or reports. */
export class PageDecodeError extends Error {}

/**
 * Decodes `count` values of `bitWidth` bits from `bytes[pos, end)` into `out[0, count)`.
 * Returns the position after the last run read.
 */
export function decodeHybrid(bytes: Uint8Array, pos: number, end: number, bitWidth: number, count: number, out: Int32Array): number {
  if (bitWidth < 0 || bitWidth > 32) throw new PageDecodeError(`bit width ${bitWidth} is out of range`);
  const valueBytes = (bitWidth + 7) >> 3;
  const mask = bitWidth === 32 ? -1 : (1 << bitWidth) - 1;
  let n = 0;
  let at = pos;
  while (n < count) {
    let header = 0;
    let scale = 1;
    for (;;) {
      if (at >= end) throw new PageDecodeError('run header past the end of the data');
      const b = bytes[at++];
      header += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 128;
      if (scale > 2 ** 35) throw new PageDecodeError('run header out of range');
    }
    if (header % 2 === 0) {
      const run = header / 2;
      if (at + valueBytes > end) throw new PageDecodeError('run value past the end of the data');
      let value = 0;
      for (let k = 0; k < valueBytes; k++) value |= bytes[at + k] << (8 * k);
      at += valueBytes;
      const stop = Math.min(count, n + run);
      out.fill(value & mask, n, stop);
      n = stop;
    } else {
      const groups = (header - 1) / 2;
      const size = groups * bitWidth;
      // the last group may be cut short at the end of the page
      const available = Math.min(size, end - at);
      const values = Math.min(groups * 8, count - n);
      if (values * bitWidth > available * 8) throw new PageDecodeError('bit-packed run past the end of the data');
      let bit = 0;
      for (let k = 0; k < values; k++) {
        let value = 0;
        let got = 0;
        while (got < bitWidth) {
          const byte = bytes[at + (bit >> 3)];
          const offset = bit & 7;
          const take = Math.min(8 - offset, bitWidth - got);
          value |= ((byte >> offset) & ((1 << take) - 1)) << got;
          got += take;
          bit += take;
        }
        out[n + k] = value;
      }
      n += values;
      at += size;
    }
  }
  return Math.min(at, end);
}
