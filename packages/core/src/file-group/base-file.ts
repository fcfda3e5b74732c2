// Base file names: `<fileId>_<writeToken>_<instantTime>.<extension>`, e.g.
// `a079bdb3-731c-4894-b855-abfcd6921007-0_0-182-253_20240418173550988.parquet`.

import { InvalidFileNameError } from '../errors.js';

export interface BaseFileName {
  fileId: string;
  /** `<partitionId>-<stageId>-<attemptId>` of the task that wrote it. */
  writeToken: string;
  /** Instant (requested time) of the write that created this file. */
  instantTime: string;
  extension: string;
}

// Lance is listed so a stray Lance file is seen (and refused by the reader), never skipped.
const BASE_EXTENSIONS = new Set(['parquet', 'orc', 'hfile', 'lance']);
const PATTERN = /^(.+)_([^_]+)_(\d{14,20})\.([a-z]+)$/;

/** Parses a base file name; undefined when the name is not one. */
export function parseBaseFileName(fileName: string): BaseFileName | undefined {
  if (fileName.startsWith('.')) return undefined;
  const m = PATTERN.exec(fileName);
  if (!m || !BASE_EXTENSIONS.has(m[4])) return undefined;
  return { fileId: m[1], writeToken: m[2], instantTime: m[3], extension: m[4] };
}

/** Like parseBaseFileName, but throws InvalidFileNameError. */
export function requireBaseFileName(fileName: string): BaseFileName {
  const parsed = parseBaseFileName(fileName);
  if (!parsed) throw new InvalidFileNameError(fileName, 'base');
  return parsed;
}

export function formatBaseFileName(name: BaseFileName): string {
  return `${name.fileId}_${name.writeToken}_${name.instantTime}.${name.extension}`;
}

/** A write token as Spark tasks form it. */
export function makeWriteToken(partitionId: number, stageId: number, attemptId: number): string {
  return `${partitionId}-${stageId}-${attemptId}`;
}
