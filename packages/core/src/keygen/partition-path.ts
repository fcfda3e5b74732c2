// Partition path pieces as Hudi builds them: the default partition for null/empty values,
// Hive's path escaping (when partitionpath.urlencode is on) and `field=value` Hive-style segments.

/** Directory name Hudi (since 0.12) uses for a null or empty partition value. */
export const DEFAULT_PARTITION_PATH = '__HIVE_DEFAULT_PARTITION__';
/** The name older Hudi releases used for the same; still recognised when reading. */
export const DEPRECATED_DEFAULT_PARTITION_PATH = 'default';

const ESCAPED = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ESCAPED[c] = 1;
for (const ch of '"#%\'*/:=?\\\u007f{[]^') ESCAPED[ch.charCodeAt(0)] = 1;

/** Hive's FileUtils.escapePathName: %XX for control and path-special ASCII characters. */
export function escapePathName(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    out += c < 128 && ESCAPED[c] ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : value[i];
  }
  return out;
}

export function unescapePathName(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** True when a partition path has a `..` segment, which would point outside the table. */
export function hasPathTraversal(path: string): boolean {
  return path.replace(/\\/g, '/').split('/').some((seg) => seg === '..');
}

/**
 * Why a partition path cannot hold data, or undefined when it can: a `.` segment puts files in
 * the folder above (the table root for a one-level path), and a `.hoodie` segment puts them among
 * the table's metadata, where no listing looks for data.
 */
export function reservedSegmentProblem(path: string): string | undefined {
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '.') return `"${path}" has a "." segment, which would write into the folder above the partition`;
    if (seg === '.hoodie') return `"${path}" has a ".hoodie" segment, the table's metadata folder, where data files cannot go`;
  }
  return undefined;
}

export interface SegmentOptions {
  hiveStyle: boolean;
  urlEncode: boolean;
}

/** One partition segment from a rendered value (null/empty become the default partition). */
export function partitionSegment(field: string, value: string | null, o: SegmentOptions): string {
  let v: string;
  if (value === null || value === '') v = DEFAULT_PARTITION_PATH;
  else v = o.urlEncode ? escapePathName(value) : value;
  return o.hiveStyle ? `${field}=${v}` : v;
}
