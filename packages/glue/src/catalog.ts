// The Glue calls the sync makes, through the AWS SDK (loaded only when a sync runs), with each
// failure turned into a typed error. Throttling and server errors are retried by the SDK's
// standard retry strategy (exponential backoff with jitter) before they surface here.

import type { GlueClient, Partition, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';

import { GlueAccessDeniedError, GlueSyncError } from './errors.js';
import type { GlueSyncOptions } from './sync-config.js';

type GlueSdk = typeof import('@aws-sdk/client-glue');

/** Glue's limits per batch call. */
const CREATE_BATCH = 100;
const UPDATE_BATCH = 100;
const DELETE_BATCH = 25;
const GET_BATCH = 1000;

function envValue(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function errorName(e: unknown): string | undefined {
  return (e as { name?: string } | undefined)?.name;
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface CatalogPartition {
  values: string[];
  location: string | undefined;
}

export class GlueCatalog {
  private constructor(
    private readonly sdk: GlueSdk,
    private readonly client: GlueClient,
    readonly database: string,
  ) {}

  static async connect(options: GlueSyncOptions, database: string): Promise<GlueCatalog> {
    const sdk = await import('@aws-sdk/client-glue');
    const client = new sdk.GlueClient({
      region: options.region ?? envValue('AWS_REGION') ?? envValue('AWS_DEFAULT_REGION') ?? 'us-east-1',
      endpoint: options.endpoint ?? envValue('AWS_ENDPOINT_URL_GLUE') ?? envValue('AWS_ENDPOINT_URL'),
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 5,
      retryMode: 'standard',
    });
    return new GlueCatalog(sdk, client, database);
  }

  close(): void {
    this.client.destroy();
  }

  /** Runs one Glue call; access denial and other failures become typed errors. */
  private async call<T>(operation: string, resource: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (errorName(e) === 'AccessDeniedException') throw new GlueAccessDeniedError(operation, resource, (e as Error).message, { cause: e });
      throw new GlueSyncError(`Glue ${operation} on ${resource} failed: ${errorName(e) ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  }

  private isNotFound(e: unknown): boolean {
    return e instanceof GlueSyncError && errorName(e.cause) === 'EntityNotFoundException';
  }

  private isAlreadyExists(e: unknown): boolean {
    return e instanceof GlueSyncError && errorName(e.cause) === 'AlreadyExistsException';
  }

  /** Creates the database unless it exists; false when it was there already. */
  async ensureDatabase(create: boolean): Promise<boolean> {
    const { GetDatabaseCommand, CreateDatabaseCommand } = this.sdk;
    try {
      await this.call('GetDatabase', this.database, () => this.client.send(new GetDatabaseCommand({ Name: this.database })));
      return false;
    } catch (e) {
      if (!this.isNotFound(e)) throw e;
    }
    if (!create) {
      throw new GlueSyncError(`The Glue database ${this.database} does not exist and hoodie.datasource.hive_sync.auto_create_database is false`);
    }
    try {
      await this.call('CreateDatabase', this.database, () =>
        this.client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: this.database, Description: 'Created by lake glue sync' } })),
      );
    } catch (e) {
      if (!this.isAlreadyExists(e)) throw e;
    }
    return true;
  }

  async getTable(name: string): Promise<Table | undefined> {
    const { GetTableCommand } = this.sdk;
    try {
      const out = await this.call('GetTable', `${this.database}.${name}`, () =>
        this.client.send(new GetTableCommand({ DatabaseName: this.database, Name: name })),
      );
      return out.Table;
    } catch (e) {
      if (this.isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Creates the table; false when another writer created it first. */
  async createTable(input: TableInput): Promise<boolean> {
    const { CreateTableCommand } = this.sdk;
    try {
      await this.call('CreateTable', `${this.database}.${input.Name}`, () =>
        this.client.send(new CreateTableCommand({ DatabaseName: this.database, TableInput: input })),
      );
      return true;
    } catch (e) {
      if (this.isAlreadyExists(e)) return false;
      throw e;
    }
  }

  async updateTable(input: TableInput): Promise<void> {
    const { UpdateTableCommand } = this.sdk;
    await this.call('UpdateTable', `${this.database}.${input.Name}`, () =>
      this.client.send(new UpdateTableCommand({ DatabaseName: this.database, TableInput: input })),
    );
  }

  async partitions(table: string): Promise<CatalogPartition[]> {
    const { GetPartitionsCommand } = this.sdk;
    const out: CatalogPartition[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('GetPartitions', `${this.database}.${table}`, () =>
        this.client.send(new GetPartitionsCommand({ DatabaseName: this.database, TableName: table, NextToken: token })),
      );
      for (const p of page.Partitions ?? ([] as Partition[])) out.push({ values: p.Values ?? [], location: p.StorageDescriptor?.Location });
      token = page.NextToken || undefined;
    } while (token);
    return out;
  }

  /**
   * The catalog's partitions with these values (missing ones are left out): what a sync after a
   * few commits needs, without paging through every partition of the table.
   */
  async partitionsWithValues(table: string, values: string[][]): Promise<CatalogPartition[]> {
    const { BatchGetPartitionCommand } = this.sdk;
    const out: CatalogPartition[] = [];
    for (const batch of batches(values, GET_BATCH)) {
      let pending = batch.map((v) => ({ Values: v }));
      // Glue may leave keys unprocessed under load; ask again for those until none is left.
      for (let round = 0; pending.length > 0; round++) {
        if (round >= 10) throw new GlueSyncError(`Glue BatchGetPartition on ${this.database}.${table} left ${pending.length} partition(s) unprocessed after 10 rounds`);
        const page = await this.call('BatchGetPartition', `${this.database}.${table}`, () =>
          this.client.send(new BatchGetPartitionCommand({ DatabaseName: this.database, TableName: table, PartitionsToGet: pending })),
        );
        for (const p of page.Partitions ?? []) out.push({ values: p.Values ?? [], location: p.StorageDescriptor?.Location });
        pending = (page.UnprocessedKeys ?? []).map((k) => ({ Values: k.Values ?? [] }));
      }
    }
    return out;
  }

  /** Adds partitions; ones that exist already (a sync cut short before) are fine. */
  async createPartitions(table: string, inputs: PartitionInput[]): Promise<void> {
    const { BatchCreatePartitionCommand } = this.sdk;
    for (const batch of batches(inputs, CREATE_BATCH)) {
      const out = await this.call('BatchCreatePartition', `${this.database}.${table}`, () =>
        this.client.send(new BatchCreatePartitionCommand({ DatabaseName: this.database, TableName: table, PartitionInputList: batch })),
      );
      const errors = (out.Errors ?? []).filter((err) => err.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
      if (errors.length > 0) this.itemErrors('BatchCreatePartition', table, errors);
    }
  }

  async updatePartitions(table: string, inputs: PartitionInput[]): Promise<void> {
    const { BatchUpdatePartitionCommand } = this.sdk;
    for (const batch of batches(inputs, UPDATE_BATCH)) {
      const out = await this.call('BatchUpdatePartition', `${this.database}.${table}`, () =>
        this.client.send(
          new BatchUpdatePartitionCommand({
            DatabaseName: this.database,
            TableName: table,
            Entries: batch.map((p) => ({ PartitionValueList: p.Values ?? [], PartitionInput: p })),
          }),
        ),
      );
      if ((out.Errors ?? []).length > 0) this.itemErrors('BatchUpdatePartition', table, out.Errors ?? []);
    }
  }

  /** Drops partitions; ones already gone are fine. */
  async deletePartitions(table: string, values: string[][]): Promise<void> {
    const { BatchDeletePartitionCommand } = this.sdk;
    for (const batch of batches(values, DELETE_BATCH)) {
      const out = await this.call('BatchDeletePartition', `${this.database}.${table}`, () =>
        this.client.send(
          new BatchDeletePartitionCommand({ DatabaseName: this.database, TableName: table, PartitionsToDelete: batch.map((v) => ({ Values: v })) }),
        ),
      );
      const errors = (out.Errors ?? []).filter((err) => err.ErrorDetail?.ErrorCode !== 'EntityNotFoundException');
      if (errors.length > 0) this.itemErrors('BatchDeletePartition', table, errors);
    }
  }

  private itemErrors(operation: string, table: string, errors: { PartitionValues?: string[]; ErrorDetail?: { ErrorCode?: string; ErrorMessage?: string } }[]): never {
    const denied = errors.find((e) => e.ErrorDetail?.ErrorCode === 'AccessDeniedException');
    if (denied) throw new GlueAccessDeniedError(operation, `${this.database}.${table}`, denied.ErrorDetail?.ErrorMessage);
    const first = errors[0];
    throw new GlueSyncError(
      `Glue ${operation} on ${this.database}.${table} failed for ${errors.length} partition(s), first [${(first.PartitionValues ?? []).join(', ')}]: ` +
        `${first.ErrorDetail?.ErrorCode ?? 'Error'}: ${first.ErrorDetail?.ErrorMessage ?? ''}`,
    );
  }
}
