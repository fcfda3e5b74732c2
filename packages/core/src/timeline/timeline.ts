// The active timeline of a table: its instants, which of them completed, the metadata of each,
// and the "as of" resolution every read starts from. Archived history is not loaded: readers
// only need the active part, as Hudi's do. From timeline layout 2 (table versions 8 and 9, Hudi
// 1.x) completed instants carry a completion time, and reads order and bound writes by it: a
// write is part of the table as of T once it completed at or before T, whenever it started.

import type { ObjectStore } from '@lake/storage';
import { listObjectKeys, NotFoundError } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { CorruptTimelineError, InvalidReadOptionError } from '../errors.js';
import { parseCommitMetadata, type CommitMetadata } from './commit-metadata.js';
import { compareInstants, parseInstantFileName, WRITE_ACTIONS, type Instant } from './instant.js';
import { dateToInstantTime, instantTimeToDate } from './instant-time.js';
import { decodeMetadataFile } from './metadata-file.js';
import { parseRollbackMetadata } from './rollback-metadata.js';
import { instantFileKey } from '../commit/paths.js';

/** A point to read the table at: an instant time, or a moment. */
export type AsOf = string | Date;

/** Parsed completed-commit metadata shared by every timeline of the process, oldest evicted first. */
const processMetaCache = new Map<string, Promise<CommitMetadata>>();
const PROCESS_META_CACHE_SIZE = 20_000;

/**
 * Remembers the metadata of a commit this process just published (its bytes are known), so the
 * writer's next look at the timeline need not read its own commit back.
 */
export function rememberCommitMetadata(store: ObjectStore, config: TableConfig, instant: Instant, bytes: Uint8Array): void {
  if (instant.state !== 'completed') return;
  const path = instantFileKey(config, instant);
  let parsed: CommitMetadata;
  try {
    parsed = parseCommitMetadata(bytes, path);
  } catch {
    return;
  }
  processMetaCache.set(`${store.uri}\u0000${path}`, Promise.resolve(parsed));
  if (processMetaCache.size > PROCESS_META_CACHE_SIZE) processMetaCache.delete(processMetaCache.keys().next().value as string);
}

/** Forgets every cached commit metadata (a cold start, as a new process has: benchmarks, tests). */
export function clearCommitMetadataCache(): void {
  processMetaCache.clear();
}

export class Timeline {
  /** Every active instant, ordered by time then state. */
  readonly instants: readonly Instant[];
  private readonly completedByTime = new Map<string, Instant>();
  private readonly metaCache = new Map<string, Promise<CommitMetadata>>();
  private rolledBack?: Promise<Set<string>>;

  /** Completed instants in commit order: by completion time from layout 2 on, else by instant time. */
  private readonly completedInOrder: readonly Instant[];

  constructor(
    readonly store: ObjectStore,
    readonly config: TableConfig,
    instants: Instant[],
  ) {
    this.instants = [...instants].sort(compareInstants);
    for (const i of this.instants) if (i.state === 'completed') this.completedByTime.set(i.time, i);
    const completed = this.instants.filter((i) => i.state === 'completed');
    this.completedInOrder = this.byCompletionTime ? completed.sort(compareByCompletion) : completed;
  }

  /** Whether writes are ordered and bounded by completion time (timeline layout 2, Hudi 1.x). */
  get byCompletionTime(): boolean {
    return this.config.timelineLayoutVersion >= 2;
  }

  /** Completed instants, oldest first (in commit order, see byCompletionTime). */
  completed(): Instant[] {
    return [...this.completedInOrder];
  }

  /**
   * Completed commits, delta commits and replace commits that are part of the table as of `asOf`
   * (see commitBound), in commit order.
   */
  completedWrites(asOf?: string): Instant[] {
    const bound = asOf === undefined ? undefined : this.commitBound(asOf);
    return this.completedInOrder.filter((i) => WRITE_ACTIONS.has(i.action) && (bound === undefined || commitPoint(i) <= bound));
  }

  /**
   * Completed writes in (start, end], the range of an incremental read: in layout 2 those that
   * completed after `start` and by `end` (Hudi 1.x incremental queries), else by instant time.
   */
  completedWritesBetween(start: string | undefined, end: string): Instant[] {
    const after = start === undefined || start === '' ? undefined : this.commitBound(start);
    return this.completedWrites(end).filter((i) => after === undefined || commitPoint(i) > after);
  }

  /**
   * The point on the commit order that an "as of" instant time stands for. In layout 1 the time
   * itself. In layout 2 the completion time of the completed instant requested at that time (as
   * of an instant means once it committed), and otherwise the time itself, read as a moment.
   */
  commitBound(asOf: string): string {
    if (!this.byCompletionTime) return asOf;
    return this.completedByTime.get(asOf)?.completionTime ?? asOf;
  }

  /** Instants that have not completed (in progress or failed), each in its furthest state. */
  pending(): Instant[] {
    const latest = new Map<string, Instant>();
    for (const i of this.instants) if (!this.completedByTime.has(i.time)) latest.set(i.time, i);
    return [...latest.values()];
  }

  latestCompletedWrite(asOf?: string): Instant | undefined {
    const writes = this.completedWrites(asOf);
    return writes[writes.length - 1];
  }

  /** The completed instant with this time, if any. */
  completedInstant(time: string): Instant | undefined {
    return this.completedByTime.get(time);
  }

  /** Store key of an instant's file. */
  instantPath(instant: Instant): string {
    return instantFileKey(this.config, instant);
  }

  /** The raw bytes of an instant's file. */
  async instantBytes(instant: Instant): Promise<Uint8Array> {
    const path = this.instantPath(instant);
    try {
      return await this.store.get(path);
    } catch (e) {
      if (e instanceof NotFoundError) {
        throw new CorruptTimelineError(path, 'the instant file vanished while reading (archived or rolled back concurrently)', { cause: e });
      }
      throw e;
    }
  }

  /**
   * Parsed metadata of a completed commit, delta commit or replace commit. A completed instant's
   * file never changes, so it is cached for the process (bounded), not only for this timeline:
   * every read and write of a table looks at the newest commits again.
   */
  commitMetadata(instant: Instant): Promise<CommitMetadata> {
    const key = `${instant.time}.${instant.action}`;
    let p = this.metaCache.get(key);
    if (!p) {
      const shared = `${this.store.uri}\u0000${this.instantPath(instant)}`;
      const cached = instant.state === 'completed' ? processMetaCache.get(shared) : undefined;
      p = cached ?? this.instantBytes(instant).then((bytes) => parseCommitMetadata(bytes, this.instantPath(instant)));
      this.metaCache.set(key, p);
      if (instant.state === 'completed' && !cached) {
        processMetaCache.set(shared, p);
        if (processMetaCache.size > PROCESS_META_CACHE_SIZE) processMetaCache.delete(processMetaCache.keys().next().value as string);
      }
      p.catch(() => {
        this.metaCache.delete(key);
        processMetaCache.delete(shared);
      });
    }
    return p;
  }

  /** Instant times undone by completed rollbacks and restores; their data is never visible. */
  rolledBackInstants(): Promise<Set<string>> {
    if (!this.rolledBack) {
      this.rolledBack = (async () => {
        const out = new Set<string>();
        for (const i of this.instants) {
          if (i.action !== 'rollback' && i.action !== 'restore') continue;
          if (i.state === 'completed') {
            const meta = parseRollbackMetadata(await this.instantBytes(i), this.instantPath(i));
            for (const t of meta.rolledBack) out.add(t);
          } else if (i.state === 'requested' && i.action === 'rollback' && !this.completedByTime.has(i.time)) {
            // A rollback under way may already have deleted some of its target's files: the
            // target is gone for readers from the moment it is planned.
            const target = pendingRollbackTarget(await this.instantBytes(i), this.instantPath(i));
            if (target) out.add(target);
          }
        }
        return out;
      })();
      this.rolledBack.catch(() => (this.rolledBack = undefined));
    }
    return this.rolledBack;
  }

  /**
   * Turns an "as of" value into an instant time bound: instant times pass through, Dates and
   * `yyyy-MM-dd[ HH:mm:ss[.SSS]]` text convert in the table's timeline time zone.
   */
  resolveAsOf(asOf: AsOf | undefined): string | undefined {
    if (asOf === undefined) return undefined;
    if (asOf instanceof Date) {
      if (Number.isNaN(asOf.getTime())) throw new InvalidReadOptionError('asOf is an invalid Date');
      return dateToInstantTime(asOf, this.config.timelineTimezone);
    }
    const text = asOf.trim();
    if (/^\d{8,20}$/.test(text)) return text.length < 14 ? text.padEnd(14, '0') : text;
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(text);
    if (m) {
      const digits = `${m[1]}${m[2]}${m[3]}${m[4] ?? '00'}${m[5] ?? '00'}${m[6] ?? '00'}${(m[7] ?? '').padEnd(3, '0')}`;
      if (instantTimeToDate(digits, 'UTC')) return digits;
    }
    throw new InvalidReadOptionError(
      `asOf "${asOf}" is neither an instant time (yyyyMMddHHmmssSSS), a date (yyyy-MM-dd[ HH:mm:ss[.SSS]]) nor a Date`,
    );
  }
}

/** Where an instant sits in commit order: its completion time when the file name has one. */
function commitPoint(i: Instant): string {
  return i.completionTime ?? i.time;
}

function compareByCompletion(a: Instant, b: Instant): number {
  const x = commitPoint(a);
  const y = commitPoint(b);
  if (x !== y) return x < y ? -1 : 1;
  return compareInstants(a, b);
}

function pendingRollbackTarget(bytes: Uint8Array, path: string): string | undefined {
  if (bytes.length === 0) return undefined;
  const plan = decodeMetadataFile(bytes, path);
  const info = plan?.instantToRollback;
  return info && typeof info === 'object' && !Array.isArray(info) && typeof info.commitTime === 'string' ? info.commitTime : undefined;
}

/** Lists the timeline folder and parses every instant file name in it. */
export async function loadTimeline(store: ObjectStore, config: TableConfig): Promise<Timeline> {
  // Names are all a timeline needs: no size or time of each file (a stat each on local disk).
  const keys = await listObjectKeys(store, `${config.timelineDir}/`);
  const instants: Instant[] = [];
  for (const key of keys) {
    const name = key.slice(key.lastIndexOf('/') + 1);
    const instant = parseInstantFileName(name);
    if (!instant) continue;
    // A completed instant without completion time in layout 2 is not one Hudi wrote; skip it
    // rather than guess, as Hudi's own timeline does.
    if (config.timelineLayoutVersion >= 2 && instant.state === 'completed' && !instant.completionTime) continue;
    instants.push(instant);
  }
  return new Timeline(store, config, instants);
}
