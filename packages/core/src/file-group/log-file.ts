// Log file names: `.<fileId>_<instantTime>.log.<version>_<writeToken>[.cdc]`, e.g.
// `.d206069c-22c8-4532-b9ea-3cf4282342c4-0_20250117083125837.log.1_0-33-43`. In table version 6
// the instant is the file slice's base instant; from version 8 it is the writing delta commit's.

import { InvalidFileNameError } from '../errors.js';

export interface LogFileName {
  fileId: string;
  instantTime: string;
  version: number;
  writeToken?: string;
  extension: string;
  /** `.cdc` change-data log; not table data. */
  cdc: boolean;
}

const PATTERN = /^\.(.+)_(\d{14,20})\.(log|archive)\.(\d+)(?:_(\d+-\d+-\d+))?(\.cdc)?$/;

export function parseLogFileName(fileName: string): LogFileName | undefined {
  const m = PATTERN.exec(fileName);
  if (!m) return undefined;
  const out: LogFileName = { fileId: m[1], instantTime: m[2], extension: m[3], version: Number(m[4]), cdc: m[6] !== undefined };
  if (m[5] !== undefined) out.writeToken = m[5];
  return out;
}

export function requireLogFileName(fileName: string): LogFileName {
  const parsed = parseLogFileName(fileName);
  if (!parsed) throw new InvalidFileNameError(fileName, 'log');
  return parsed;
}

export function formatLogFileName(name: Omit<LogFileName, 'cdc' | 'extension'> & { extension?: string; cdc?: boolean }): string {
  const token = name.writeToken ? `_${name.writeToken}` : '';
  return `.${name.fileId}_${name.instantTime}.${name.extension ?? 'log'}.${name.version}${token}${name.cdc ? '.cdc' : ''}`;
}

/** Hudi's log order within a file slice: instant, then version, then write token. */
export function compareLogFileNames(a: LogFileName, b: LogFileName): number {
  if (a.instantTime !== b.instantTime) return a.instantTime < b.instantTime ? -1 : 1;
  if (a.version !== b.version) return a.version - b.version;
  const ta = a.writeToken ?? '';
  const tb = b.writeToken ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
