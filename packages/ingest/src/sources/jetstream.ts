// NATS JetStream as a source: a durable pull consumer; the checkpoint is the stream sequence of
// the last committed message. Messages are acknowledged only after their commit, and a restart
// resumes after the committed sequence, so a lost ack never delivers a message twice.

import type { Consumer, ConsumerInfo, JsMsg, NatsConnection } from 'nats';
import { CheckpointError, SourceError } from '../errors.js';
import type { Source, SourcePoll, SourceRecord } from '../source.js';

export interface JetStreamSourceOptions {
  /** NATS servers, e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  stream: string;
  /** Durable consumer name (default `lake-ingest`); created when missing. */
  durable?: string;
  /** Only messages of this subject (the consumer's filter subject). */
  subject?: string;
  /** Source id in commit metadata (default `jetstream:<stream>[/<subject>]`). */
  id?: string;
  /** How long a delivered message may stay unacknowledged before redelivery (default 10 minutes). */
  ackWaitMs?: number;
  /**
   * An open connection to use instead of connecting (left open on close): a `NatsConnection` of
   * the `nats` package. Typed as an opaque object so that these declarations do not pull in
   * nats's own, which do not type-check under exactOptionalPropertyTypes.
   */
  connection?: object;
}

type Nats = typeof import('nats');
let natsModule: Promise<Nats> | undefined;

/** The nats client, loaded on the first start: reading files never pays for loading it. */
function loadNats(): Promise<Nats> {
  natsModule ??= import('nats');
  return natsModule;
}

/** Connects lazily on start; records are the messages' JSON bodies. */
export function jetStreamSource(options: JetStreamSourceOptions): Source<number> {
  const durable = options.durable ?? 'lake-ingest';
  const id = options.id ?? `jetstream:${options.stream}${options.subject ? `/${options.subject}` : ''}`;
  const decoder = new TextDecoder();
  let nc: NatsConnection | undefined;
  let committed = 0;
  let consumer: Consumer | undefined;
  // Delivered messages awaiting their commit, by stream sequence, oldest first.
  const held = new Map<number, JsMsg>();

  async function positionConsumer(after: number | undefined): Promise<void> {
    const { AckPolicy, DeliverPolicy, nanos } = await loadNats();
    const jsm = await nc!.jetstreamManager();
    let info: ConsumerInfo | undefined;
    try {
      info = await jsm.consumers.info(options.stream, durable);
    } catch (e) {
      if (!/consumer not found|10014/i.test(String((e as Error).message))) {
        if (/stream not found|10059/i.test(String((e as Error).message))) {
          throw new SourceError(`JetStream stream "${options.stream}" does not exist; create it or fix the stream name.`, { cause: e });
        }
        throw new SourceError(`Cannot read consumer "${durable}" of stream "${options.stream}": ${(e as Error).message}`, { cause: e });
      }
    }
    // Without a checkpoint from the table, the durable's own acknowledged position is the start.
    const start = after ?? info?.ack_floor.stream_seq ?? 0;
    const sameFilter = (info?.config.filter_subject ?? '') === (options.subject ?? '');
    const reusable =
      info !== undefined &&
      sameFilter &&
      info.config.ack_policy === AckPolicy.All &&
      info.num_ack_pending === 0 &&
      info.delivered.stream_seq === start &&
      info.ack_floor.stream_seq === start;
    if (reusable) return;
    // Messages delivered but not committed would only come back after the ack wait; placing the
    // consumer after the committed sequence gets them at once and skips what is committed.
    if (info) await jsm.consumers.delete(options.stream, durable);
    await jsm.consumers.add(options.stream, {
      durable_name: durable,
      ack_policy: AckPolicy.All,
      ack_wait: nanos(options.ackWaitMs ?? 600_000),
      max_ack_pending: -1,
      ...(options.subject ? { filter_subject: options.subject } : {}),
      ...(start > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start + 1 } : { deliver_policy: DeliverPolicy.All }),
    });
  }

  return {
    id,
    async start(checkpoint) {
      if (checkpoint !== undefined && (typeof checkpoint !== 'number' || !Number.isInteger(checkpoint) || checkpoint < 0)) {
        throw new CheckpointError(`JetStream source ${id} cannot resume from checkpoint ${JSON.stringify(checkpoint)}; expected a stream sequence number.`);
      }
      held.clear();
      committed = checkpoint ?? 0;
      if (!nc) {
        try {
          nc = (options.connection as NatsConnection | undefined) ?? (await (await loadNats()).connect({ servers: options.servers, maxReconnectAttempts: -1 }));
        } catch (e) {
          throw new SourceError(`Cannot connect to NATS at ${String(options.servers)}: ${(e as Error).message}`, { cause: e });
        }
      }
      consumer = undefined;
      await positionConsumer(checkpoint);
    },
    async poll(maxRecords, waitMs): Promise<SourcePoll<number>> {
      if (!nc) throw new SourceError(`JetStream source ${id} was polled before start().`);
      const records: SourceRecord<number>[] = [];
      try {
        consumer ??= await nc.jetstream().consumers.get(options.stream, durable);
        const messages = await consumer.fetch({ max_messages: maxRecords, expires: Math.max(1000, waitMs) });
        for await (const m of messages) {
          if (m.seq <= committed) {
            // Already in the table (a redelivery): acknowledge and move on.
            m.ack();
            continue;
          }
          held.set(m.seq, m);
          const text = decoder.decode(m.data);
          const record: SourceRecord<number> = { position: `${options.stream} seq ${m.seq} (${m.subject})`, size: m.data.length, checkpoint: m.seq };
          try {
            const value = JSON.parse(text) as unknown;
            if (typeof value === 'object' && value !== null && !Array.isArray(value)) record.value = value;
            else Object.assign(record, { error: 'not a JSON object', raw: text });
          } catch (e) {
            Object.assign(record, { error: `not valid JSON (${(e as Error).message})`, raw: text });
          }
          records.push(record);
        }
      } catch (e) {
        consumer = undefined;
        throw new SourceError(`Cannot fetch from JetStream stream "${options.stream}": ${(e as Error).message}`, { cause: e });
      }
      return { records, state: records.length >= maxRecords ? 'more' : records.length > 0 ? 'more' : 'idle' };
    },
    async acknowledge(checkpoint) {
      committed = Math.max(committed, checkpoint);
      const last = held.get(checkpoint);
      for (const seq of held.keys()) if (seq <= checkpoint) held.delete(seq);
      // Ack-all: acknowledging the batch's last message acknowledges every one before it.
      if (last) await last.ackAck().catch(() => false);
    },
    async close() {
      held.clear();
      consumer = undefined;
      if (nc && !options.connection) await nc.drain().catch(() => undefined);
      nc = undefined;
    },
  };
}
