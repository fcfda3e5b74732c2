// Reads a failed S3 call (an SDK service error, a network error, a timeout) into the few facts
// the retry loop and error messages need: HTTP status, S3 error code, and whether to try again.

export interface S3Failure {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** S3 error code (NoSuchKey, SlowDown, AccessDenied...) or network error code (ECONNRESET...). */
  code: string;
  message: string;
  /** Transient: worth another attempt after a pause. */
  retryable: boolean;
}

/** Server-side failures that are usually gone a moment later. */
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** S3 (and S3-compatible) names for "slow down" and "try again", whatever status they come with. */
const RETRYABLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Connection-level failures: the request may or may not have reached the server. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { statusCode?: unknown };
}

export function describeS3Failure(error: unknown): S3Failure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const statusValue = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const status = typeof statusValue === 'number' ? statusValue : undefined;
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  const s3Code = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : undefined;
  const code = networkCode && NETWORK_CODES.has(networkCode) ? networkCode : (s3Code ?? networkCode ?? 'UnknownError');
  const message = typeof e.message === 'string' && e.message.length > 0 ? e.message : String(error);
  const throttled = status === 429 || RETRYABLE_CODES.has(code);
  const retryable =
    throttled || NETWORK_CODES.has(code) || (status !== undefined && RETRYABLE_STATUS.has(status)) || /socket hang up/i.test(message);
  return { status, code, message, retryable };
}

/** What a caller can do about a failure that retrying did not (or could not) fix. */
export function adviceFor(failure: S3Failure): string {
  const { status, code } = failure;
  if (status === 403 || code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch') {
    return 'Check the credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the credentials option) and that they are allowed this action on the bucket and prefix.';
  }
  if (code === 'CredentialsProviderError') {
    return 'No AWS credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or pass credentials.';
  }
  if (code === 'NoSuchBucket') return 'Create the bucket, or fix the bucket name in the URI.';
  if (status === 301 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed') {
    return "The bucket lives in another region; set the region option (or AWS_REGION) to the bucket's region.";
  }
  if (NETWORK_CODES.has(code)) {
    return 'Check the endpoint (AWS_ENDPOINT_URL_S3 or the endpoint option) and the network; raise maxAttempts if the link is flaky.';
  }
  if (failure.retryable) {
    return 'The service kept failing or throttling; retry later, lower the request rate or concurrency, or raise maxAttempts.';
  }
  return "Check the request and the store's configuration (bucket, prefix, region, endpoint).";
}
