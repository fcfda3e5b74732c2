// Markers, as Hudi's direct markers: before a write puts a data file it puts an empty marker
// `.hoodie/.temp/<instant>/<path>.marker.<type>`, so the files of an attempt that never completes
// can be found (and removed) from its markers even when its commit metadata was never written.

import type { ObjectStore } from '@lake/storage';

import { markerFolder } from './paths.js';

/** The marker keys `instant` left, in listing order. */
export async function listMarkers(store: ObjectStore, instant: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list(markerFolder(instant))) keys.push(o.key);
  return keys;
}
