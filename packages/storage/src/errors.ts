// Typed errors shared by every package: each has a stable `code` callers can switch on,
// and a message that says what went wrong and what to do about it.

import { redactUri } from './redact.js';

export class LakeError extends Error {
  readonly code: string;
  override readonly cause?: unknown;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    // Messages quote URIs and values; credentials inside a URI must never be printed or logged.
    super(redactUri(message));
    this.name = new.target.name;
    this.code = code;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The object does not exist in the store. */
export class NotFoundError extends LakeError {
  readonly key: string;
  constructor(key: string, where: string) {
    super('NOT_FOUND', `Object not found: ${key} in ${where}. Check the path, or whether another process deleted it.`);
    this.key = key;
  }
}

/** The store failed (network, throttling, permissions) after retries were exhausted. */
export class StoreError extends LakeError {
  readonly status?: number;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super('STORE_ERROR', message, options);
    this.status = options?.status;
  }
}

/** A URI lake does not know how to open. */
export class InvalidUriError extends LakeError {
  constructor(uri: string, why: string) {
    super('INVALID_URI', `Cannot open "${uri}": ${why}. Use s3://bucket/prefix, file:///abs/path, a plain path or memory://name.`);
  }
}

/** A key that cannot name an object: empty, absolute, or escaping the store root with '..'. */
export class InvalidKeyError extends LakeError {
  readonly key: string;
  constructor(key: string, why: string) {
    super('INVALID_KEY', `Invalid object key "${key}": ${why}. Keys are '/'-separated paths relative to the store root.`);
    this.key = key;
  }
}

/** A byte range that cannot be read: negative or fractional offset or length. */
export class InvalidRangeError extends LakeError {
  constructor(offset: unknown, length: unknown) {
    super(
      'INVALID_RANGE',
      `Invalid byte range (offset ${String(offset)}, length ${String(length)}): both must be whole numbers >= 0. Omit length to read to the end.`,
    );
  }
}
