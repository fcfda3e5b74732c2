// An instant read from an archived timeline (version 6's archive log files or Hudi 1.x's LSM
// history), with the metadata its archive record holds.

import type { Instant } from './instant.js';
import type { JsonValue } from './metadata-file.js';

export interface ArchivedInstant extends Instant {
  /** The instant file's metadata as the archive holds it (Avro field values as JSON). */
  metadata?: { [k: string]: JsonValue };
}
