// Every key lake reads or writes under a table's `.hoodie` folder, spelled once. Hudi's own
// (properties, timeline, archive, markers, heartbeats) keep Hudi's names so Hudi engines find
// them; lake's commit protocol (instant claims, commit claims, fences) and its records live under
// `.hoodie/.aux/lake/`, which Hudi engines ignore. A leaf: any layer may ask for a path.

import { instantFileName, type Instant } from '../timeline/instant.js';

/** The table's metadata folder, beside its partitions. */
export const METAFOLDER = '.hoodie';

/** The table's configuration. */
export const HOODIE_PROPERTIES = '.hoodie/hoodie.properties';
/** The copy kept while the configuration is rewritten, read when the primary is damaged. */
export const HOODIE_PROPERTIES_BACKUP = `${HOODIE_PROPERTIES}.backup`;

/** Whether `key` lies under the metadata folder (never a data file). */
export function isMetadataKey(key: string): boolean {
  return key.startsWith(`${METAFOLDER}/`);
}

/** Folder of active instants: `.hoodie` (timeline layout 1) or `.hoodie/<hoodie.timeline.path>` (layout 2). */
export function timelineFolder(layoutVersion: number, timelinePath: string): string {
  return layoutVersion >= 2 ? `${METAFOLDER}/${timelinePath}` : METAFOLDER;
}

/** Folder of archived instants: `.hoodie/<hoodie.archivelog.folder>`. */
export function archiveFolder(folder: string): string {
  return `${METAFOLDER}/${folder}`;
}

/** The timeline layout an instant file key depends on (a table config has both). */
export interface TimelineLocation {
  timelineDir: string;
  timelineLayoutVersion: number;
}

/** The key of an instant's file in one state (requested, inflight, completed). */
export function instantFileKey(timeline: TimelineLocation, instant: Instant): string {
  return `${timeline.timelineDir}/${instantFileName(instant, timeline.timelineLayoutVersion)}`;
}

/** Folder of the markers of `instant`'s files, as Hudi's direct markers: `.hoodie/.temp/<instant>/`. */
export function markerFolder(instant: string): string {
  return `${METAFOLDER}/.temp/${instant}/`;
}

/** Hudi's marker types: a new base file, a merged base file version, a log file appended to. */
export type MarkerType = 'CREATE' | 'MERGE' | 'APPEND';

/** The marker of the data file `path` that `instant` writes. */
export function markerKey(instant: string, path: string, type: MarkerType): string {
  return `${markerFolder(instant)}${path}.marker.${type}`;
}

/** The data file a marker of `instant` names. */
export function markedFile(instant: string, marker: string): string {
  return marker.slice(markerFolder(instant).length).replace(/\.marker\.[A-Z]+$/, '');
}

export function heartbeatKey(instant: string): string {
  return `${METAFOLDER}/.heartbeat/${instant}`;
}

/** lake's own folder beside Hudi's metadata. */
export const LAKE_AUX_FOLDER = `${METAFOLDER}/.aux/lake/`;

/** Claims on instant times while their writes run. */
export function instantClaimKey(instant: string): string {
  return `${LAKE_AUX_FOLDER}instants/${instant}`;
}

/** Commit claims, one per sequence number. */
export const CLAIMS_FOLDER = `${LAKE_AUX_FOLDER}claims/`;

export function claimKey(seq: number): string {
  return `${CLAIMS_FOLDER}${String(seq).padStart(20, '0')}.json`;
}

/** Commit fences, one per instant a writer or rollback decided (see commit/fence.ts). */
export const FENCES_FOLDER = `${LAKE_AUX_FOLDER}fences/`;

export function fenceKey(instant: string): string {
  return `${FENCES_FOLDER}${instant}`;
}

/** Proof records of erasures. */
export const ERASURES_FOLDER = `${LAKE_AUX_FOLDER}erasures/`;
