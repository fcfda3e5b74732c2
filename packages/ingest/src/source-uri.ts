// Sources named by a URI: `nats://host:port/stream?durable=name&subject=x` for JetStream, any
// store URI `openStore` knows (s3://bucket/prefix, file:///dir, memory://name, a folder) for files.

import { openStore, type OpenStoreOptions } from '@lake/storage';
import { IngestConfigError } from './errors.js';
import type { InputFormat } from './formats.js';
import type { Source } from './source.js';
import { fileSource } from './sources/files.js';
import { jetStreamSource, type JetStreamSourceOptions } from './sources/jetstream.js';

export interface SourceUriOptions {
  format?: InputFormat;
  /** Options for the object store (S3 credentials, endpoint). */
  store?: OpenStoreOptions;
  /** Files source: how long to wait between listings when idle. */
  listIntervalMs?: number;
}

/** JetStream options from `nats://host:port/stream?durable=name&subject=x`. */
export function parseNatsUri(uri: string): JetStreamSourceOptions {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new IngestConfigError(`"${uri}" is not a URL; use nats://host:port/stream?durable=name&subject=x.`);
  }
  const stream = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  if (!stream || stream.includes('/')) {
    throw new IngestConfigError(`"${uri}" names no stream; use nats://host:port/stream?durable=name&subject=x.`);
  }
  const opts: JetStreamSourceOptions = { servers: `${url.hostname}:${url.port || '4222'}`, stream };
  const durable = url.searchParams.get('durable');
  const subject = url.searchParams.get('subject');
  if (durable) opts.durable = durable;
  if (subject) opts.subject = subject;
  return opts;
}

/** The source a URI names (folders and prefixes: every file under them). */
export async function sourceFromUri(uri: string, options: SourceUriOptions = {}): Promise<Source> {
  if (/^nats:\/\//i.test(uri)) return jetStreamSource(parseNatsUri(uri)) as Source;
  const store = await openStore(uri, options.store);
  return fileSource(store, { format: options.format, listIntervalMs: options.listIntervalMs }) as Source;
}
