// @lake/storage public API: the ObjectStore interface, its backends and typed errors.
export { LakeError, NotFoundError, StoreError, InvalidUriError } from './errors.js';
export {
  type ObjectStore,
  type ObjectMeta,
  type ByteRange,
  type DirectoryListing,
  type RequestKind,
  type RequestCounts,
  emptyRequestCounts,
  joinKey,
} from './object-store.js';
export { MemoryStore } from './memory-store.js';
