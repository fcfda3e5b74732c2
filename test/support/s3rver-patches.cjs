// Fixes to s3rver 3.7.1 where it departs from S3 in ways lake's tests depend on.
// Listing:
//  - order: s3rver lists in on-disk walk order ("a/x" before "a-b"); S3 sorts keys by UTF-8 bytes;
//  - delimiters: s3rver only finds a common prefix when an object sits directly one level below
//    it ("c/" is missing when the only object is "c/d/e"); S3 reports it.
//  Pages end after an object (never after a common prefix), since s3rver builds the continuation
//  token from the last object key; that way no common prefix is repeated on the next page.
// Deleting: s3rver removes emptied folders after a delete, and fails with HTTP 500 (or crashes)
// when that races another delete (a DeleteObjects batch runs its keys in parallel) or a write
// into the same folder.
'use strict';

const fs = require('fs');
const path = require('path');
const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Object = require('s3rver/lib/models/object');

const OBJECT_SUFFIX = '._S3rver_object';

const byUtf8 = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Keys of every object under `dir` (whose keys start with `relative`). */
function collectKeys(dir, relative, out) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) collectKeys(path.join(dir, entry.name), `${relative}${entry.name}/`, out);
    else if (entry.name.endsWith(OBJECT_SUFFIX)) out.push(relative + entry.name.slice(0, -OBJECT_SUFFIX.length));
  }
}

FilesystemStore.prototype.listObjects = async function listObjects(bucket, options) {
  const { delimiter = '', startAfter = '', prefix = '', maxKeys = Infinity } = options;
  // Only the folder the prefix points into can hold matching keys.
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const candidates = [];
  collectKeys(path.join(this.getBucketPath(bucket), ...folder.split('/').filter(Boolean)), folder, candidates);
  const keys = candidates
    .filter((key) => key.startsWith(prefix) && (startAfter === '' || byUtf8(key, startAfter) > 0))
    .sort(byUtf8);

  const objectKeys = [];
  const commonPrefixes = [];
  let isTruncated = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut !== -1) {
      const common = key.slice(0, cut + delimiter.length);
      if (commonPrefixes[commonPrefixes.length - 1] !== common) commonPrefixes.push(common);
      continue;
    }
    objectKeys.push(key);
    if (objectKeys.length >= maxKeys) {
      isTruncated = i < keys.length - 1;
      break;
    }
  }

  const metadata = await Promise.all(
    objectKeys.map((key) =>
      this.getMetadata(bucket, key).catch((error) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      }),
    ),
  );
  return {
    objects: objectKeys
      .map((key, i) => (metadata[i] === undefined ? undefined : new S3Object(bucket, key, null, metadata[i])))
      .filter(Boolean),
    commonPrefixes,
    isTruncated,
  };
};

// Deleting leaves folders in place: the listing above ignores empty ones, as S3 has no folders.
FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  await Promise.all(
    ['object', 'object.md5', 'metadata.json'].map((resource) =>
      fs.promises.unlink(this.getResourcePath(bucket, key, resource)).catch((error) => {
        if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') throw error;
      }),
    ),
  );
};
