// The two checksums HBase may put after an HFile block: CRC-32 (type 1) and CRC-32C, Castagnoli
// (type 2, the default). Table-driven, one table per polynomial, built on first use.

const tables = new Map<number, Uint32Array>();

function crcTable(poly: number): Uint32Array {
  let t = tables.get(poly);
  if (t) return t;
  t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  tables.set(poly, t);
  return t;
}

function crc(poly: number, bytes: Uint8Array): number {
  const t = crcTable(poly);
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE) of the bytes, as an unsigned integer. */
export const crc32 = (bytes: Uint8Array): number => crc(0xedb88320, bytes);

/** CRC-32C of the bytes, as an unsigned integer. */
export const crc32c = (bytes: Uint8Array): number => crc(0x82f63b78, bytes);
