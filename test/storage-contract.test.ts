// Runs the shared ObjectStore contract against every backend: memory, local disk, and S3
// (a real s3rver on loopback).

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

import { LocalStore, MemoryStore } from '@lake/storage';
import { withS3rver } from './support/s3rver.js';
import { describeStoreContract } from './support/store-contract.js';

describeStoreContract(
  'MemoryStore',
  async () => {
    const name = `contract-${randomUUID()}`;
    return { store: new MemoryStore(name), reopen: () => new MemoryStore(name) };
  },
  { conditionalPutEnforced: true },
);

const localRoots: string[] = [];
afterAll(async () => {
  await Promise.all(localRoots.map((root) => rm(root, { recursive: true, force: true })));
});

describeStoreContract(
  'LocalStore',
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'lake-local-contract-'));
    localRoots.push(root);
    // A folder that does not exist yet: the store creates it on first write.
    const tableRoot = join(root, 'tables', 'events');
    return { store: new LocalStore(tableRoot), reopen: () => new LocalStore(tableRoot) };
  },
  { conditionalPutEnforced: true },
);

const s3 = withS3rver();

describeStoreContract(
  'S3Store on s3rver',
  async () => {
    const prefix = `contract/${randomUUID()}`;
    return { store: s3.makeStore(prefix), reopen: () => s3.makeStore(prefix) };
  },
  // s3rver accepts If-None-Match: * but ignores it, so the probe must find it not enforced.
  { conditionalPutEnforced: false },
);
