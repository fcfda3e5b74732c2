// What the soak's parent hands its child processes and what they hand back (as JSON files).

import type { SoakLocation } from './soak-table.js';

export interface IngestJob {
  inputDir: string;
  location: SoakLocation;
  batchRows: number;
  /** Inline clustering every this many commits (hoodie.clustering.inline.max.commits). */
  clusterEvery: number;
  /** `table.clean()` after every this many commits (0: never). */
  cleanEvery: number;
  readerGraceMs: number;
  /** Bounds of the process caches, in MiB together (split as LAKE_CACHE_MB splits them). */
  cacheMb: number;
  /** Stop after the batch that is being written when this much time has passed (a time-boxed soak). */
  maxMs?: number;
}

/** One micro-batch commit, inline services included. */
export interface CommitCost {
  /** From the batch's first record read to its commit (and inline services) done. */
  ms: number;
  /** Wall time since the previous commit finished (reading, writing, services, cleaning). */
  sinceLastMs: number;
  /** Store requests of the commit and its inline services, and their longest chain. */
  requests: number;
  roundTrips: number;
  /** The same requests by kind, and bytes moved. */
  byKind?: Record<'GET' | 'PUT' | 'LIST' | 'HEAD' | 'DELETE' | 'bytesRead' | 'bytesWritten', number>;
  written: number;
  deduplicated: number;
  /** The process's peak resident set so far (getrusage maxrss, MB) once the commit and its services were done: where it rises is what set the peak. */
  maxRssMb?: number;
}

export interface IngestOutcome {
  wallMs: number;
  cpuMs: number;
  read: number;
  written: number;
  deduplicated: number;
  quarantined: number;
  commits: CommitCost[];
  cleans: number;
  cleanMs: number;
  cleanRequests: number;
  /** `table.close()` at the end of the job (not part of wallMs): waiting out the last intents' hold. */
  closeMs: number;
  /** The last input file consumed, and whether the time box stopped the run before the end. */
  lastFile?: string;
  /** Lines of `lastFile` consumed, when a batch ended inside it. */
  lastRecords?: number;
  stopped: boolean;
  /** The child process's peak resident set (getrusage maxrss). */
  peakRssMb: number;
}

export interface FloorOutcome {
  wallMs: number;
  rows: number;
  bytesWritten: number;
  peakRssMb: number;
}
