// A Glue Data Catalog on loopback for tests: speaks the AWS JSON 1.1 protocol (POST /, header
// X-Amz-Target: AWSGlue.<Operation>) for the operations the sync uses, keeps databases, tables
// and partitions in memory, checks every request against the SDK's Glue model, and can be told
// to fail calls (throttling, access denied, any error) to test retries and interrupted syncs.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { requestProblems } from './glue-model.js';

// Requests are checked against the SDK model before use, so members are read without casts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the model check above types them
type Json = Record<string, any>;

class GlueFault extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

export interface Fault {
  operation: string;
  error: string;
  /** How many matching calls fail (default 1). */
  times?: number;
  status?: number;
  /** Fails only calls whose request this accepts. */
  when?: (request: Json) => boolean;
}

export interface LoggedCall {
  operation: string;
  request: Json;
  failed?: string;
}

const now = (): number => Math.floor(Date.now() / 1000);
const key = (values: string[]): string => JSON.stringify(values);

export class GlueServer {
  readonly databases = new Map<string, Json>();
  readonly tables = new Map<string, Json>();
  readonly partitions = new Map<string, Map<string, Json>>();
  readonly calls: LoggedCall[] = [];
  /** Requests that do not match the SDK's Glue model; tests expect none. */
  readonly violations: string[] = [];
  private faults: (Fault & { left: number })[] = [];
  private server?: Server;
  endpoint = '';

  constructor(private readonly pageSize = 2) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  table(database: string, name: string): Json | undefined {
    return this.tables.get(`${database}.${name}`);
  }

  partitionsOf(database: string, table: string): Json[] {
    return [...(this.partitions.get(`${database}.${table}`)?.values() ?? [])];
  }

  callsTo(operation: string): LoggedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSGlue.') ? target.slice('AWSGlue.'.length) : '';
    let request: Json = {};
    const reply = (status: number, body: Json): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': String(this.calls.length) });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'POST' || !operation) throw new GlueFault('UnknownOperationException', `not a Glue JSON request: ${req.method} ${target}`);
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1') throw new GlueFault('SerializationException', 'content type must be application/x-amz-json-1.1');
      request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
      const problems = requestProblems(operation, request);
      if (problems.length > 0) {
        this.violations.push(...problems);
        throw new GlueFault('ValidationException', problems.join('; '));
      }
      const fault = this.faults.find((f) => f.operation === operation && f.left > 0 && (!f.when || f.when(request)));
      if (fault) {
        fault.left--;
        throw new GlueFault(fault.error, `injected ${fault.error}`, fault.status ?? 400);
      }
      const out = this.run(operation, request);
      this.calls.push({ operation, request });
      reply(200, out);
    } catch (e) {
      const f = e instanceof GlueFault ? e : new GlueFault('InternalServiceException', String(e), 500);
      this.calls.push({ operation, request, failed: f.type });
      reply(f.status, { __type: f.type, message: f.message });
    }
  }

  private db(name: string): Json {
    const db = this.databases.get(name);
    if (!db) throw new GlueFault('EntityNotFoundException', `Database ${name} not found.`);
    return db;
  }

  private tableOf(database: string, name: string): Json {
    this.db(database);
    const t = this.tables.get(`${database}.${name.toLowerCase()}`);
    if (!t) throw new GlueFault('EntityNotFoundException', `Table ${name} not found.`);
    return t;
  }

  private parts(database: string, table: string): Map<string, Json> {
    const id = `${database}.${this.tableOf(database, table).Name}`;
    let m = this.partitions.get(id);
    if (!m) this.partitions.set(id, (m = new Map()));
    return m;
  }

  private run(op: string, r: Json): Json {
    switch (op) {
      case 'GetDatabase':
        return { Database: this.db(r.Name) };
      case 'CreateDatabase': {
        const name = String(r.DatabaseInput.Name).toLowerCase();
        if (this.databases.has(name)) throw new GlueFault('AlreadyExistsException', `Database ${name} already exists.`);
        this.databases.set(name, { ...r.DatabaseInput, Name: name, CreateTime: now() });
        return {};
      }
      case 'GetTable':
        return { Table: this.tableOf(r.DatabaseName, r.Name) };
      case 'CreateTable': {
        this.db(r.DatabaseName);
        const name = String(r.TableInput.Name).toLowerCase();
        if (this.tables.has(`${r.DatabaseName}.${name}`)) throw new GlueFault('AlreadyExistsException', `Table ${name} already exists.`);
        this.tables.set(`${r.DatabaseName}.${name}`, { ...r.TableInput, Name: name, DatabaseName: r.DatabaseName, CreateTime: now(), UpdateTime: now() });
        return {};
      }
      case 'UpdateTable': {
        const old = this.tableOf(r.DatabaseName, r.TableInput.Name);
        this.tables.set(`${r.DatabaseName}.${old.Name}`, { ...r.TableInput, Name: old.Name, DatabaseName: r.DatabaseName, CreateTime: old.CreateTime, UpdateTime: now() });
        return {};
      }
      case 'GetPartitions': {
        const all = [...this.parts(r.DatabaseName, r.TableName).values()];
        const start = r.NextToken ? Number(r.NextToken) : 0;
        const size = Math.min(r.MaxResults ?? this.pageSize, this.pageSize);
        const next = start + size < all.length ? String(start + size) : undefined;
        return { Partitions: all.slice(start, start + size), ...(next ? { NextToken: next } : {}) };
      }
      case 'BatchGetPartition': {
        if (r.PartitionsToGet.length > 1000) throw new GlueFault('ValidationException', 'at most 1000 partitions per BatchGetPartition');
        const parts = this.parts(r.DatabaseName, r.TableName);
        return { Partitions: r.PartitionsToGet.map((p: Json) => parts.get(key(p.Values))).filter((p: Json | undefined) => p !== undefined) };
      }
      case 'BatchCreatePartition': {
        if (r.PartitionInputList.length > 100) throw new GlueFault('ValidationException', 'at most 100 partitions per BatchCreatePartition');
        const parts = this.parts(r.DatabaseName, r.TableName);
        const Errors: Json[] = [];
        for (const p of r.PartitionInputList) {
          if (parts.has(key(p.Values))) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'Partition already exists.' } });
          else parts.set(key(p.Values), { ...p, DatabaseName: r.DatabaseName, TableName: r.TableName, CreationTime: now() });
        }
        return Errors.length > 0 ? { Errors } : {};
      }
      case 'BatchUpdatePartition': {
        if (r.Entries.length > 100) throw new GlueFault('ValidationException', 'at most 100 entries per BatchUpdatePartition');
        const parts = this.parts(r.DatabaseName, r.TableName);
        const Errors: Json[] = [];
        for (const e of r.Entries) {
          if (!parts.has(key(e.PartitionValueList))) Errors.push({ PartitionValueList: e.PartitionValueList, ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Partition not found.' } });
          else {
            parts.delete(key(e.PartitionValueList));
            parts.set(key(e.PartitionInput.Values), { ...e.PartitionInput, DatabaseName: r.DatabaseName, TableName: r.TableName });
          }
        }
        return Errors.length > 0 ? { Errors } : {};
      }
      case 'BatchDeletePartition': {
        if (r.PartitionsToDelete.length > 25) throw new GlueFault('ValidationException', 'at most 25 partitions per BatchDeletePartition');
        const parts = this.parts(r.DatabaseName, r.TableName);
        const Errors: Json[] = [];
        for (const p of r.PartitionsToDelete) {
          if (!parts.delete(key(p.Values))) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Partition not found.' } });
        }
        return Errors.length > 0 ? { Errors } : {};
      }
      default:
        throw new GlueFault('UnknownOperationException', `operation ${op} is not served by this test catalog`);
    }
  }
}
