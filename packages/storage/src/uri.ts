// Opens the right ObjectStore for a table location: s3://, file://, memory:// or a plain path.
// The local-files backend is imported on demand, so S3 and memory stores open in runtimes
// without node:fs (browsers, workers, edge functions).

import { InvalidUriError } from './errors.js';
import type { LocalStoreOptions } from './local-store.js';
import { MemoryStore } from './memory-store.js';
import type { ObjectStore } from './object-store.js';
import { S3Store, type S3StoreOptions } from './s3-store.js';

export interface OpenStoreOptions {
  /** Settings for s3:// locations; bucket and prefix come from the URI. */
  s3?: Omit<S3StoreOptions, 'bucket' | 'prefix'>;
  /** Settings for file:// locations and plain paths. */
  local?: LocalStoreOptions;
}

/** What a URI names, before any store is built (exported for tests and diagnostics). */
export type ParsedStoreUri =
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'memory'; name: string }
  | { kind: 'file'; path: string; absolute: boolean };

/** Hadoop's s3a:// and s3n:// appear in tables written by Spark; they name the same objects. */
const S3_SCHEMES = new Set(['s3', 's3a', 's3n']);

/** Bucket names S3 accepts: 3-63 lower-case letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseStoreUri(uri: string): ParsedStoreUri {
  if (typeof uri !== 'string' || uri.trim().length === 0) throw new InvalidUriError(String(uri), 'it is empty');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^[a-zA-Z][a-zA-Z0-9+.-]+:(?![\\/])/.test(uri)) throw new InvalidUriError(uri, 'it looks like a URI but has no "//" after the scheme');
    return { kind: 'file', path: uri, absolute: uri.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(uri) };
  }
  const rest = uri.slice(scheme.length + 3);
  // Bucket names hold neither ":" nor "@", local hosts no "@": either means user info. A secret
  // key may itself hold "/", which then ends the authority early, but its ":" still shows.
  const authority = rest.split('/')[0];
  if ((S3_SCHEMES.has(scheme) && /[:@]/.test(authority)) || (scheme === 'file' && authority.includes('@'))) {
    throw new InvalidUriError(
      uri,
      'it carries credentials before "@"; give them through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE) or the store options, never in the URI',
    );
  }
  if (S3_SCHEMES.has(scheme)) {
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    if (!BUCKET_NAME.test(bucket)) {
      throw new InvalidUriError(uri, `"${bucket}" is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-')`);
    }
    const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
    return { kind: 's3', bucket, prefix };
  }
  if (scheme === 'memory') {
    const name = rest.replace(/\/+$/, '');
    if (name.length === 0) throw new InvalidUriError(uri, 'a memory store needs a name, as in memory://scratch');
    return { kind: 'memory', name };
  }
  if (scheme === 'file') {
    const slash = rest.indexOf('/');
    const host = slash === -1 ? rest : rest.slice(0, slash);
    if (host !== '' && host.toLowerCase() !== 'localhost') {
      throw new InvalidUriError(uri, `file URIs must name a local path (file:///abs/path), not host "${host}"`);
    }
    if (slash === -1) throw new InvalidUriError(uri, 'it has no path after file://');
    let path: string;
    try {
      path = decodeURIComponent(rest.slice(slash));
    } catch {
      throw new InvalidUriError(uri, 'it has a malformed %-escape');
    }
    // file:///C:/data -> C:/data on Windows-style paths.
    if (/^\/[a-zA-Z]:\//.test(path)) path = path.slice(1);
    return { kind: 'file', path, absolute: true };
  }
  throw new InvalidUriError(uri, `the scheme "${scheme}://" is not supported`);
}

/** Opens the store a URI names. Relative paths resolve against the current directory. */
export async function openStore(uri: string, options: OpenStoreOptions = {}): Promise<ObjectStore> {
  const parsed = parseStoreUri(uri);
  switch (parsed.kind) {
    case 's3':
      return new S3Store({ ...options.s3, bucket: parsed.bucket, prefix: parsed.prefix });
    case 'memory':
      return new MemoryStore(parsed.name);
    case 'file': {
      const { LocalStore } = await import('./local-store.js');
      return new LocalStore(parsed.path, options.local);
    }
  }
}
