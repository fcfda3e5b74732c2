// The `hoodie.table.checksum` value: CRC32 of "<database>.<table>", as Hudi computes it so that
// engines which validate the checksum accept tables this library writes.

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE, as java.util.zip.CRC32) of the bytes, as an unsigned integer. */
export function crc32(bytes: Uint8Array): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Hudi's table checksum; a missing database name counts as the empty string. */
export function tableChecksum(tableName: string, databaseName = ''): string {
  return String(crc32(new TextEncoder().encode(`${databaseName}.${tableName}`)));
}

export type ChecksumStatus = 'valid' | 'missing' | 'mismatch';

/**
 * Checks `hoodie.table.checksum` as Hudi does: the stored value, read as a Java long, must equal
 * the checksum of the table and database names as stored. It covers nothing else, so other
 * properties may be added or changed without invalidating it; it only proves the file was
 * written to its end (Hudi writes the checksum last).
 */
export function checkTableChecksum(props: ReadonlyMap<string, string>): ChecksumStatus {
  const stored = props.get('hoodie.table.checksum');
  if (stored === undefined) return 'missing';
  const name = props.get('hoodie.table.name');
  // Long.parseLong: an optional sign and digits, nothing else (no surrounding blanks).
  if (name === undefined || !/^[+-]?\d{1,19}$/.test(stored)) return 'mismatch';
  return BigInt(stored) === BigInt(tableChecksum(name, props.get('hoodie.database.name') ?? '')) ? 'valid' : 'mismatch';
}
