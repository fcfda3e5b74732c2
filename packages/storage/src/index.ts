// @lake/storage public API: the ObjectStore interface, its backends and typed errors.
export { LakeError, NotFoundError, StoreError, InvalidUriError, InvalidKeyError, InvalidRangeError } from './errors.js';
export {
  type ObjectStore,
  type ObjectMeta,
  type ByteRange,
  type DirectoryListing,
  type RequestKind,
  type RequestCounts,
  emptyRequestCounts,
  joinKey,
  checkRange,
  listObjectKeys,
} from './object-store.js';
export { MemoryStore } from './memory-store.js';
export {
  S3Store,
  type S3StoreOptions,
  type S3Credentials,
  type S3RequestHandler,
  type S3HttpRequest,
  type S3HttpResponse,
} from './s3-store.js';
export { openStore, parseStoreUri, type OpenStoreOptions, type ParsedStoreUri } from './uri.js';
export { FaultyStore, type FaultRule, type StoreOperation } from './faulty-store.js';
// Works only where Node's modules exist (Node 20.16+, Deno, Bun); loading this package does not need them.
export { LocalStore, LOCAL_TEMP_PREFIX, type LocalStoreOptions } from './local-store.js';
export { LatencyStore, type LatencyStoreOptions, type RoundTripReport } from './latency-store.js';
export { mapLimit } from './concurrency.js';
export { redactUri } from './redact.js';
