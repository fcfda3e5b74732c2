// Hudi's simple bucket index hash: a record key goes to bucket
// `(hashKeys.hashCode() & Integer.MAX_VALUE) % numBuckets`, where hashKeys is a Java List<String>
// and hashCode is Java's. Spark and Flink writers configured with the same bucket index compute
// the same number, so every engine routes a key to the same file group; any deviation here would
// put a record in two file groups at once.

/** Java's `String.hashCode()`: over UTF-16 code units, wrapping at 32 bits. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Java's `List.hashCode()` of a list of strings (null elements hash to 0). */
export function javaListHashCode(items: readonly (string | null)[]): number {
  let h = 1;
  for (const s of items) h = (Math.imul(h, 31) + (s === null ? 0 : javaStringHashCode(s))) | 0;
  return h;
}

/**
 * Java's `String.split` with a one-character literal separator: trailing empty strings are
 * dropped, and a string without the separator splits into itself.
 */
export function javaSplit(s: string, separator: string): string[] {
  const parts = s.split(separator);
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Why a record key cannot be hashed the way Hudi does (Hudi's writer fails on the same keys). */
export class BucketHashKeyProblem extends Error {}

/**
 * The values hashed for one record key, as Hudi 0.14/0.15's `BucketIdentifier.getHashKeys`:
 * a key without `:` (one key field) is hashed whole; a complex key `f1:v1,f2:v2` is split into
 * field/value pairs and the hash fields' values are taken in the hash fields' order.
 */
export function bucketHashKeys(recordKey: string, hashFields: readonly string[]): (string | null)[] {
  if (!recordKey.includes(':')) return [recordKey];
  const pairs = new Map<string, string>();
  for (const part of javaSplit(recordKey, ',')) {
    const fv = javaSplit(part, ':');
    if (fv.length < 2) throw new BucketHashKeyProblem(`"${part}" is not a field:value pair`);
    if (pairs.has(fv[0])) throw new BucketHashKeyProblem(`field "${fv[0]}" appears twice`);
    pairs.set(fv[0], fv[1]);
  }
  return hashFields.map((f) => pairs.get(f) ?? null);
}

/**
 * `bucketIdOf` given the key's `javaStringHashCode`: a key without `:` hashes as the one-element
 * list of itself, `31 + hashCode`, so no list is built for it.
 */
export function bucketIdOfHashed(recordKey: string, keyHash: number, hashFields: readonly string[], numBuckets: number): number {
  if (recordKey.indexOf(':') >= 0) return bucketIdOf(recordKey, hashFields, numBuckets);
  return ((31 + keyHash) & 0x7fffffff) % numBuckets;
}

/** The bucket (0 .. numBuckets-1) of a record key. */
export function bucketIdOf(recordKey: string, hashFields: readonly string[], numBuckets: number): number {
  return (javaListHashCode(bucketHashKeys(recordKey, hashFields)) & 0x7fffffff) % numBuckets;
}
