// An ObjectStore over an S3 bucket (AWS or any S3-compatible server) with the AWS SDK v3, which
// is loaded on the first request (see s3-client.ts). Retries are ours, not the SDK's, so each
// attempt is counted and backoff is injectable in tests.
// Over 350 lines on purpose: one backend's full ObjectStore contract (range reads, pagination, multipart, conditional create, retries).

import { mapLimit } from './concurrency.js';
import { NotFoundError, StoreError } from './errors.js';
import {
  checkRange,
  emptyRequestCounts,
  type ByteRange,
  type DirectoryListing,
  type ObjectMeta,
  type ObjectStore,
  type RequestCounts,
  type RequestKind,
} from './object-store.js';
import { LazyS3Client } from './s3-client.js';
import { adviceFor, describeS3Failure, type S3Failure } from './s3-failure.js';
import type { S3StoreOptions } from './s3-options.js';

export type { S3Credentials, S3HttpRequest, S3HttpResponse, S3RequestHandler, S3StoreOptions } from './s3-options.js';

const MiB = 1024 * 1024;

/** Where the probe object goes: Hudi engines ignore `.hoodie/.aux/lake/`. */
const PROBE_FOLDER = '.hoodie/.aux/lake/';

/** S3's limit of parts in one multipart upload. */
const MAX_PARTS = 10_000;

/** S3's limit of keys per DeleteObjects request. */
const DELETE_BATCH = 1000;

type Recovery<T> = (failure: S3Failure) => { value: T } | undefined;

export class S3Store implements ObjectStore {
  readonly uri: string;
  readonly bucket: string;
  /** The key prefix inside the bucket: '' or ending in '/'. */
  readonly prefix: string;
  readonly requests: RequestCounts = emptyRequestCounts();
  private readonly client: LazyS3Client;
  private readonly maxAttempts: number;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly partConcurrency: number;
  private readonly conditionalPut: 'probe' | 'enforced' | 'unsupported';
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private probe: Promise<boolean> | undefined;

  constructor(options: S3StoreOptions) {
    if (!options || typeof options.bucket !== 'string' || options.bucket.length < 3) {
      throw new StoreError('S3Store needs a bucket name of at least 3 characters (options.bucket).');
    }
    this.bucket = options.bucket;
    const trimmed = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = trimmed === '' ? '' : `${trimmed}/`;
    this.uri = `s3://${this.bucket}${trimmed === '' ? '' : `/${trimmed}`}`;
    this.maxAttempts = positiveInt(options.maxAttempts, 5, 'maxAttempts');
    this.partSize = positiveInt(options.partSize, 8 * MiB, 'partSize');
    this.multipartThreshold = positiveInt(options.multipartThreshold, 16 * MiB, 'multipartThreshold');
    this.partConcurrency = positiveInt(options.partConcurrency, 4, 'partConcurrency');
    this.conditionalPut = options.conditionalPut ?? 'probe';
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 100;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 20_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.client = new LazyS3Client(options);
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    checkRange(range);
    if (range?.length === 0) {
      // HTTP ranges cannot say "zero bytes"; still report a missing object as missing.
      if (!(await this.head(key))) throw new NotFoundError(key, this.uri);
      return new Uint8Array(0);
    }
    const rangeHeader =
      range && (range.offset > 0 || range.length !== undefined)
        ? `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`
        : undefined;
    return this.request(
      'GET',
      'read',
      key,
      async () => {
        const out = await this.client.use((s3, client) =>
          client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key), Range: rangeHeader })),
        );
        const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
        this.requests.bytesRead += bytes.length;
        return bytes;
      },
      (failure) => {
        if (isMissingKey(failure)) throw new NotFoundError(key, this.uri);
        // 416: the range starts at or past the end, which reads as no bytes.
        if (failure.status === 416) return { value: new Uint8Array(0) };
        return undefined;
      },
    );
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    return this.request(
      'HEAD',
      'inspect',
      key,
      async () => {
        const out = await this.client.use((s3, client) =>
          client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) })),
        );
        return { key, size: out.ContentLength ?? 0, lastModified: out.LastModified };
      },
      (failure) => (isMissingKey(failure) ? { value: undefined } : undefined),
    );
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    if (data.length > this.multipartThreshold) {
      await this.putMultipart(key, data, false);
      return;
    }
    await this.request('PUT', 'write', key, async () => {
      await this.client.use((s3, client) =>
        client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key), Body: data })),
      );
      this.requests.bytesWritten += data.length;
    });
  }

  /**
   * Sends `If-None-Match: *`. Where the server ignores it (see conditionalPutEnforced) a HEAD
   * first keeps single-writer use correct, though two racing writers can then both succeed.
   * A create whose response was lost and then retried reports false: callers see a conflict and
   * back off, which is the safe side for commit protocols.
   */
  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    if (!(await this.conditionalPutEnforced()) && (await this.head(key))) return false;
    return this.createIfAbsent(key, data);
  }

  async conditionalPutEnforced(): Promise<boolean> {
    if (this.conditionalPut !== 'probe') return this.conditionalPut === 'enforced';
    this.probe ??= this.probeConditionalPut().catch((error: unknown) => {
      this.probe = undefined; // a failed probe proves nothing; try again next time
      throw error;
    });
    return this.probe;
  }

  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, token, undefined);
      for (const item of page.Contents ?? []) {
        const meta = this.toMeta(item);
        if (meta) yield meta;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async listDirectory(prefix: string): Promise<DirectoryListing> {
    const objects: ObjectMeta[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, token, '/');
      for (const item of page.Contents ?? []) {
        const meta = this.toMeta(item);
        if (meta) objects.push(meta);
      }
      for (const common of page.CommonPrefixes ?? []) {
        if (common.Prefix?.startsWith(this.prefix)) prefixes.push(common.Prefix.slice(this.prefix.length));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { objects, prefixes: prefixes.sort() };
  }

  async delete(key: string): Promise<void> {
    await this.request(
      'DELETE',
      'delete',
      key,
      async () => {
        await this.client.use((s3, client) =>
          client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) })),
        );
      },
      (failure) => (isMissingKey(failure) ? { value: undefined } : undefined),
    );
  }

  async deleteMany(keys: string[]): Promise<void> {
    const batches: string[][] = [];
    for (let i = 0; i < keys.length; i += DELETE_BATCH) batches.push(keys.slice(i, i + DELETE_BATCH));
    await mapLimit(batches, 4, (batch) => this.deleteBatch(batch));
  }

  /** Closes the HTTP connections the store keeps open. */
  destroy(): void {
    this.client.destroy();
  }

  /**
   * One DeleteObjects request, plus follow-ups for keys S3 reports as transiently failed (it can
   * answer 200 and still list per-key SlowDown or InternalError errors).
   */
  private async deleteBatch(batch: string[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const out = await this.request('DELETE', `delete ${pending.length} objects starting with`, pending[0], () =>
        this.client.use((s3, client) =>
          client.send(
            new s3.DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: pending.map((key) => ({ Key: this.s3Key(key) })), Quiet: true },
            }),
          ),
        ),
      );
      const errors = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (errors.length === 0) return;
      const failures = errors.map((e) => describeS3Failure({ name: e.Code, message: e.Message }));
      if (attempt >= this.maxAttempts || failures.some((f) => !f.retryable)) {
        const sample = errors.slice(0, 3).map((e) => `${e.Key ?? '?'} (${e.Code ?? 'error'}: ${e.Message ?? ''})`);
        const failure = failures.find((f) => !f.retryable) ?? failures[0];
        throw new StoreError(
          `S3 could not delete ${errors.length} of ${pending.length} objects in ${this.uri} after ${attempt} ` +
            `attempt${attempt === 1 ? '' : 's'}, e.g. ${sample.join(', ')}. ${adviceFor(failure)} Deleting again is safe.`,
        );
      }
      const failedKeys = new Set(errors.map((e) => e.Key));
      pending = pending.filter((key) => failedKeys.has(this.s3Key(key)));
      await this.sleep(this.backoffMs(attempt));
    }
  }

  private async createIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    if (data.length > this.multipartThreshold) return this.putMultipart(key, data, true);
    return this.request(
      'PUT',
      'create',
      key,
      async () => {
        await this.client.use((s3, client) =>
          client.send(new s3.PutObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key), Body: data, IfNoneMatch: '*' })),
        );
        this.requests.bytesWritten += data.length;
        return true;
      },
      (failure) => (isConditionFailed(failure) ? { value: false } : undefined),
    );
  }

  private async probeConditionalPut(): Promise<boolean> {
    const key = `${PROBE_FOLDER}probe-${globalThis.crypto.randomUUID()}`;
    const body = new TextEncoder().encode('lake probe: does this store honour If-None-Match: *?');
    try {
      await this.createIfAbsent(key, body);
      // The object exists now, so an enforcing server must refuse the second create.
      return !(await this.createIfAbsent(key, body));
    } finally {
      await this.delete(key);
    }
  }

  /** Uploads in parts; with `ifAbsent`, the completion is conditional and false means "existed". */
  private async putMultipart(key: string, data: Uint8Array, ifAbsent: boolean): Promise<boolean> {
    const s3Key = this.s3Key(key);
    const created = await this.request('PUT', 'start a multipart upload of', key, () =>
      this.client.use((s3, client) => client.send(new s3.CreateMultipartUploadCommand({ Bucket: this.bucket, Key: s3Key }))),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new StoreError(`S3 returned no upload id for ${this.uri}/${key}. Check that the endpoint speaks the S3 multipart API.`);
    let completed = false;
    try {
      // S3 allows at most 10,000 parts, so very large objects get larger parts.
      const partSize = Math.max(this.partSize, Math.ceil(data.length / MAX_PARTS));
      const parts: Uint8Array[] = [];
      for (let offset = 0; offset < data.length; offset += partSize) parts.push(data.subarray(offset, offset + partSize));
      const etags = await mapLimit(parts, this.partConcurrency, (part, index) =>
        this.request('PUT', `upload part ${index + 1} of`, key, async () => {
          const out = await this.client.use((s3, client) =>
            client.send(new s3.UploadPartCommand({ Bucket: this.bucket, Key: s3Key, UploadId: uploadId, PartNumber: index + 1, Body: part })),
          );
          this.requests.bytesWritten += part.length;
          return out.ETag;
        }),
      );
      completed = await this.request(
        'PUT',
        'complete the multipart upload of',
        key,
        async () => {
          await this.client.use((s3, client) =>
            client.send(
              new s3.CompleteMultipartUploadCommand({
                Bucket: this.bucket,
                Key: s3Key,
                UploadId: uploadId,
                MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
                IfNoneMatch: ifAbsent ? '*' : undefined,
              }),
            ),
          );
          return true;
        },
        (failure) => (ifAbsent && isConditionFailed(failure) ? { value: false } : undefined),
      );
      return completed;
    } finally {
      // Parts of an unfinished upload are billed until aborted; aborting is best effort.
      if (!completed) await this.abortUpload(key, s3Key, uploadId);
    }
  }

  private async abortUpload(key: string, s3Key: string, uploadId: string): Promise<void> {
    try {
      await this.request('DELETE', 'abort the multipart upload of', key, async () => {
        await this.client.use((s3, client) =>
          client.send(new s3.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: s3Key, UploadId: uploadId })),
        );
      });
    } catch {
      // The original failure matters more; a bucket lifecycle rule cleans up what is left.
    }
  }

  private listPage(prefix: string, token: string | undefined, delimiter: string | undefined) {
    return this.request('LIST', 'list', prefix, () =>
      this.client.use((s3, client) =>
        client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        ),
      ),
    );
  }

  /** Folder markers ("a/" zero-byte objects some tools create) are not objects of this store. */
  private toMeta(item: { Key?: string; Size?: number; LastModified?: Date }): ObjectMeta | undefined {
    if (!item.Key || !item.Key.startsWith(this.prefix) || item.Key.endsWith('/')) return undefined;
    return { key: item.Key.slice(this.prefix.length), size: item.Size ?? 0, lastModified: item.LastModified };
  }

  private s3Key(key: string): string {
    return this.prefix + key;
  }

  /**
   * Runs one S3 call with retries. Every attempt is counted under `kind`. `recover` turns expected
   * failures (missing key, failed condition) into results; other failures are retried while they
   * look transient and attempts remain, then become a StoreError.
   */
  private async request<T>(kind: RequestKind, action: string, key: string, call: () => Promise<T>, recover?: Recovery<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.requests[kind]++;
      try {
        return await call();
      } catch (error) {
        if (error instanceof StoreError || error instanceof NotFoundError) throw error;
        const failure = describeS3Failure(error);
        const recovered = recover?.(failure);
        if (recovered) return recovered.value;
        if (!failure.retryable || attempt >= this.maxAttempts) {
          const status = failure.status === undefined ? '' : `HTTP ${failure.status} `;
          throw new StoreError(
            `S3 could not ${action} ${this.uri}/${key} after ${attempt} attempt${attempt === 1 ? '' : 's'}: ` +
              `${status}${failure.code}: ${failure.message}. ${adviceFor(failure)}`,
            { cause: error, status: failure.status },
          );
        }
        await this.sleep(this.backoffMs(attempt));
      }
    }
  }

  /** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))). */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}

function isMissingKey(failure: S3Failure): boolean {
  if (failure.code === 'NoSuchKey') return true;
  return failure.status === 404 && failure.code !== 'NoSuchBucket' && failure.code !== 'NoSuchUpload';
}

/** 412: the key exists. 409: another conditional write to the key is in flight and will win. */
function isConditionFailed(failure: S3Failure): boolean {
  return failure.status === 412 || failure.code === 'PreconditionFailed' || failure.code === 'ConditionalRequestConflict';
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new StoreError(`S3Store option ${name} must be a whole number >= 1, got ${String(value)}.`);
  return value;
}
