// Instants and their file names: layout 1 (table version 6) `<time>.<action>[.requested|.inflight]`,
// layout 2 (versions 8 and 9) `<time>_<completionTime>.<action>` once completed; in both an inflight
// commit is `<time>.inflight`.

export const ACTIONS = [
  'commit',
  'deltacommit',
  'replacecommit',
  'clean',
  'rollback',
  'compaction',
  'logcompaction',
  'restore',
  'savepoint',
  'indexing',
  'clustering',
  'schemacommit',
] as const;

export type Action = (typeof ACTIONS)[number];
export type InstantState = 'requested' | 'inflight' | 'completed';

export interface Instant {
  /** Requested time, `yyyyMMddHHmmssSSS`; the instant's identity and order. */
  time: string;
  action: Action;
  state: InstantState;
  /** When it completed; in file names from layout 2 on. */
  completionTime?: string;
}

/** Actions whose completed instants write data files. */
export const WRITE_ACTIONS: ReadonlySet<Action> = new Set<Action>(['commit', 'deltacommit', 'replacecommit']);

const ACTION_SET = new Set<string>(ACTIONS);
const TIME = /^\d{14,20}$/;

/**
 * Parses a timeline file name; undefined for files that are not instants (hoodie.properties,
 * folders, temp files, unknown actions), which Hudi skips too.
 */
export function parseInstantFileName(fileName: string): Instant | undefined {
  const parts = fileName.split('.');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [stamp, second, third] = parts;
  let time = stamp;
  let completionTime: string | undefined;
  const underscore = stamp.indexOf('_');
  if (underscore !== -1) {
    time = stamp.slice(0, underscore);
    completionTime = stamp.slice(underscore + 1);
    if (!TIME.test(completionTime)) return undefined;
  }
  if (!TIME.test(time)) return undefined;
  if (parts.length === 2) {
    if (second === 'inflight') return completionTime ? undefined : { time, action: 'commit', state: 'inflight' };
    if (!ACTION_SET.has(second)) return undefined;
    const action = second as Action;
    return completionTime ? { time, action, state: 'completed', completionTime } : { time, action, state: 'completed' };
  }
  if (completionTime || !ACTION_SET.has(second)) return undefined;
  if (third !== 'requested' && third !== 'inflight') return undefined;
  return { time, action: second as Action, state: third };
}

/** The file name of an instant in the given timeline layout (1 or 2). */
export function instantFileName(instant: Instant, layoutVersion: number): string {
  const { time, action, state } = instant;
  if (state === 'completed') {
    if (layoutVersion >= 2) {
      if (!instant.completionTime) throw new Error(`Instant ${time}.${action} needs a completion time in timeline layout 2`);
      return `${time}_${instant.completionTime}.${action}`;
    }
    return `${time}.${action}`;
  }
  if (state === 'inflight' && action === 'commit') return `${time}.inflight`;
  return `${time}.${action}.${state}`;
}

const STATE_ORDER: Record<InstantState, number> = { requested: 0, inflight: 1, completed: 2 };

/** Orders instants by time, then requested < inflight < completed. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return STATE_ORDER[a.state] - STATE_ORDER[b.state];
}
