// File paths in timeline plans and metadata. Hudi writes absolute, scheme-qualified paths there
// (a Hadoop Path's string: `file:/data/t/p/f.parquet` on local disk, `s3://bucket/t/p/f.parquet`
// on S3) and resolves each one against the table's base path before acting on it; older lake
// tables hold table-relative keys. Both forms are read; a path that does not resolve inside the
// table, or is not a data file, is refused so that a plan can never delete anything else.

import { PathOutsideTableError } from '../errors.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { isMetadataKey } from '../commit/paths.js';

/** Schemes naming the same S3 bucket namespace (Hadoop's S3A and EMRFS spellings). */
const S3_SCHEMES = new Set(['s3', 's3a', 's3n']);

interface Base {
  scheme: string;
  /** Bucket (object stores) or '' (local files, memory). */
  authority: string;
  /** Path under the authority, without leading or trailing '/'. */
  path: string;
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a table URI (an ObjectStore's `uri`) into scheme, authority and path. */
function parseBase(storeUri: string): Base {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(storeUri);
  if (!m) return { scheme: 'file', authority: '', path: trimSlashes(storeUri) };
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'file') {
    // file:///abs and file://localhost/abs are URLs (percent-encoded); file:/abs is a Hadoop Path (raw)
    const path = rest.startsWith('//') ? decodeSafely(rest.slice(2).replace(/^[^/]*/, '')) : rest;
    return { scheme, authority: '', path: trimSlashes(path) };
  }
  const afterSlashes = rest.replace(/^\/\//, '');
  const slash = afterSlashes.indexOf('/');
  const authority = slash === -1 ? afterSlashes : afterSlashes.slice(0, slash);
  const path = slash === -1 ? '' : afterSlashes.slice(slash + 1);
  return { scheme: S3_SCHEMES.has(scheme) ? 's3' : scheme, authority, path: trimSlashes(path) };
}

/** The absolute path of a table key as Hudi writes it into plans: a Hadoop Path string. */
export function hudiPath(storeUri: string, key: string): string {
  const base = parseBase(storeUri);
  const under = base.path === '' ? key : `${base.path}/${key}`;
  if (base.scheme === 'file') return `file:/${under}`;
  return `${base.scheme}://${base.authority}/${under}`;
}

/**
 * The table key a plan path names, or undefined when it lies outside the table. Relative paths
 * are keys already (older lake tables); absolute ones must be under the table's base path.
 */
export function tableKeyOf(storeUri: string, path: string): string | undefined {
  const base = parseBase(storeUri);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(path);
  let key: string;
  if (!scheme && !path.startsWith('/')) {
    key = path;
  } else {
    const target = scheme ? parseBase(path) : { scheme: 'file', authority: '', path: trimSlashes(path) };
    if (target.scheme !== base.scheme || target.authority !== base.authority) return undefined;
    if (base.path !== '' && !target.path.startsWith(`${base.path}/`)) return undefined;
    key = base.path === '' ? target.path : target.path.slice(base.path.length + 1);
  }
  const segments = key.split('/');
  if (key === '' || segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return key;
}

/**
 * The table key of a data file (base or log file) a plan names; throws PathOutsideTableError for
 * anything else, before the caller deletes anything.
 */
export function dataFileKeyOf(storeUri: string, path: string, what: string): string {
  const key = tableKeyOf(storeUri, path);
  const name = key?.slice(key.lastIndexOf('/') + 1) ?? '';
  if (!key || isMetadataKey(key) || !(parseBaseFileName(name) || parseLogFileName(name))) {
    throw new PathOutsideTableError(path, storeUri, what);
  }
  return key;
}
