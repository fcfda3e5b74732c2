// A real nats-server with JetStream in a child process on a free loopback port, for tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { requireTool } from '../../../test/support/tools.js';

/** Whether nats-server is installed; without it the JetStream tests are skipped (failed under CI). */
export const natsServerAvailable = (): boolean => requireTool(['nats-server'], 'apt-get install nats-server') !== undefined;

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  /** Publishes JSON records (or raw strings) to a subject, waiting for JetStream's acks. */
  publish(subject: string, records: unknown[]): Promise<void>;
  createStream(name: string, subjects: string[]): Promise<void>;
  connection(): Promise<NatsConnection>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(port: number, child: ChildProcess): Promise<NatsConnection> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
    try {
      return await connect({ servers: `127.0.0.1:${port}`, timeout: 1000 });
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'lake-nats-'));
  const port = await freePort();
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nc = await waitForServer(port, child);
  const encoder = new TextEncoder();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async createStream(name, subjects) {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name, subjects });
    },
    async publish(subject, records) {
      const js = nc.jetstream();
      const acks: Promise<unknown>[] = [];
      for (const r of records) {
        acks.push(js.publish(subject, encoder.encode(typeof r === 'string' ? r : JSON.stringify(r))));
        if (acks.length >= 500) await Promise.all(acks.splice(0));
      }
      await Promise.all(acks);
    },
    async connection() {
      return nc;
    },
    async stop() {
      await nc.close().catch(() => undefined);
      child.kill('SIGKILL');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
