// The AWS SDK's S3 client behind an S3Store, built on the store's first request. The SDK is
// hundreds of modules: importing it only then keeps @lake/storage (and every command on a local
// or memory table) from loading it at all.

import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

import { StoreError } from './errors.js';
import type { S3RequestHandler, S3StoreOptions } from './s3-options.js';

/** The `@aws-sdk/client-s3` module: its command classes and S3Client. */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

interface Connection {
  sdk: S3Sdk;
  client: S3Client;
}

export class LazyS3Client {
  private connection: Promise<Connection> | undefined;

  constructor(private readonly options: S3StoreOptions) {}

  /** Runs `call` with the SDK and a client, loading and building them on first use. */
  async use<T>(call: (sdk: S3Sdk, client: S3Client) => Promise<T>): Promise<T> {
    this.connection ??= connect(this.options).catch((error: unknown) => {
      this.connection = undefined; // a failed load proves nothing about the next attempt
      throw error;
    });
    const { sdk, client } = await this.connection;
    return call(sdk, client);
  }

  /** Closes the client's HTTP connections, if it was ever built; a later request builds a new one. */
  destroy(): void {
    const connection = this.connection;
    this.connection = undefined;
    void connection?.then(
      ({ client }) => client.destroy(),
      () => {},
    );
  }
}

async function connect(options: S3StoreOptions): Promise<Connection> {
  let sdk: S3Sdk;
  try {
    sdk = await import('@aws-sdk/client-s3');
  } catch (error) {
    throw new StoreError(
      `Cannot load @aws-sdk/client-s3, which s3:// stores use: ${error instanceof Error ? error.message : String(error)}. ` +
        'Install it next to @lake/storage (npm install @aws-sdk/client-s3).',
      { cause: error },
    );
  }
  return { sdk, client: createClient(sdk, options) };
}

/** An environment variable where there is one (Node, Bun, Deno's compat); empty means unset. */
function envValue(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

function createClient(sdk: S3Sdk, options: S3StoreOptions): S3Client {
  const endpoint = options.endpoint ?? envValue('AWS_ENDPOINT_URL_S3') ?? envValue('AWS_ENDPOINT_URL');
  const handlerOptions = {
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
  };
  const custom = options.requestHandler;
  const config: S3ClientConfig = {
    region: options.region ?? envValue('AWS_REGION') ?? envValue('AWS_DEFAULT_REGION') ?? 'us-east-1',
    endpoint,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    credentials: options.credentials,
    // Our loop retries; an SDK retry would hide attempts from the request counts.
    maxAttempts: 1,
    cacheMiddleware: true,
    // Checksums only where S3 demands them: many S3-compatible servers reject the newer headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler:
      custom !== undefined && typeof custom !== 'function'
        ? (custom as unknown as S3ClientConfig['requestHandler'])
        : handlerOptions,
  };
  const client = new sdk.S3Client(config);
  if (typeof custom === 'function') {
    // The SDK reads its handler at each send, so wrapping the resolved default is enough.
    const resolved = client.config as unknown as { requestHandler: S3RequestHandler };
    resolved.requestHandler = custom(resolved.requestHandler);
  }
  return client;
}
