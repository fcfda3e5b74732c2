// Crash test of `lake ingest --follow` over a folder of files that keeps growing: the child is
// killed with SIGKILL at random points and restarted; at the end the table holds every source
// record exactly once (same keys and contents; the commits inserted each once and updated none).

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { openTable } from '@lake/core';
import { createEventsTable, tempDir } from '../packages/ingest/test/support.js';
import { checkExactlyOnce, crashLoop, makeEvent, sleep, type SourceEvent } from './support/ingest-crash.js';

describe('ingest crash safety: files', () => {
  it('a growing folder of files, killed at random points, lands exactly once', async () => {
    const tmp = await tempDir('lake-ingest-crash-');
    try {
      const src = join(tmp.path, 'src');
      const tableUri = join(tmp.path, 'events');
      await createEventsTable(tableUri);
      const expected = new Map<string, SourceEvent>();
      let next = 0;
      const produce = async () => {
        for (let f = 0; f < 24; f++) {
          const records = Array.from({ length: 40 }, () => makeEvent(next++));
          for (const r of records) expected.set(r.id, r);
          // Keys grow with time, as Firehose's yyyy/mm/dd/HH folders do.
          const hour = String(Math.floor(f / 4)).padStart(2, '0');
          const dir = join(src, 'raw/2024/05/01', hour);
          await mkdir(dir, { recursive: true });
          const name = `part-${String(f).padStart(4, '0')}.ndjson`;
          // Files appear atomically, as an object store's PUT makes them.
          await writeFile(join(dir, `.${name}.tmp`), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
          await rename(join(dir, `.${name}.tmp`), join(dir, name));
          await sleep(300);
        }
      };
      await crashLoop(tableUri, src, 1234, produce, ['--batch-rows', '30', '--batch-seconds', '0.5']);
      await checkExactlyOnce(await openTable(tableUri), expected);
    } finally {
      await tmp.remove();
    }
  }, 150_000); // child processes start slowly on busy machines; the work itself takes a fraction of this

});
