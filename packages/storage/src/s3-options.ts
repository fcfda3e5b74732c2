// The settings of an S3Store and the shapes of the HTTP layer under it: plain types, so that
// naming them loads nothing of the AWS SDK.

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The parts of an HTTP request a request handler sees (the SDK's HttpRequest satisfies it). */
export interface S3HttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | Array<string> | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** A response as a request handler returns it; `body` is a Node stream, a web stream or bytes. */
export interface S3HttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** The HTTP layer under the SDK: replace or wrap it to route, observe or break requests. */
export interface S3RequestHandler {
  handle(request: S3HttpRequest, options?: { abortSignal?: unknown; requestTimeout?: number }): Promise<{ response: S3HttpResponse }>;
  destroy?(): void;
}

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket that acts as the store root (e.g. a table's base path). */
  prefix?: string;
  /** Defaults to AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** S3-compatible endpoint; defaults to AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then AWS. */
  endpoint?: string;
  /** Path-style addressing (http://host/bucket/key). Defaults to true when an endpoint is set. */
  forcePathStyle?: boolean;
  /** Static credentials; otherwise the SDK's default chain (environment, profile, instance role). */
  credentials?: S3Credentials;
  /** Attempts per request, first try included. Default 5. */
  maxAttempts?: number;
  /** Objects larger than this are uploaded in parts. Default 16 MiB. */
  multipartThreshold?: number;
  /** Size of each uploaded part (S3 requires at least 5 MiB except the last). Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded at once. Default 4. */
  partConcurrency?: number;
  /**
   * Whether the server honours `If-None-Match: *`: 'probe' (default) finds out once per store,
   * 'enforced' and 'unsupported' skip the probe.
   */
  conditionalPut?: 'probe' | 'enforced' | 'unsupported';
  /** Abandon a connection attempt after this long. Default 10 s. */
  connectionTimeoutMs?: number;
  /** Abandon a request whose socket stays idle this long. Default 60 s. */
  socketTimeoutMs?: number;
  /**
   * The HTTP layer: a handler to use instead of the SDK's, or a function that receives the SDK's
   * default handler and returns one wrapping it (fault injection, tracing).
   */
  requestHandler?: S3RequestHandler | ((defaultHandler: S3RequestHandler) => S3RequestHandler);
  /** First backoff ceiling; doubles per attempt up to retryMaxDelayMs. Default 100 ms. */
  retryBaseDelayMs?: number;
  /** Largest backoff ceiling. Default 20 s. */
  retryMaxDelayMs?: number;
  /** Waits between attempts (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
}
