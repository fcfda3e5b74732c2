import { writeHeapSnapshot } from 'node:v8';
import { fileSource, hourOf, ingest } from '@lake/ingest';
import { LocalStore } from '@lake/storage';
import { createSoakTable, measuredStore } from './soak-table.js';
const [inputDir, dir, snap] = process.argv.slice(2);
const { store } = measuredStore({ kind: 'local', dir });
const table = await createSoakTable(store);
let n = 0;
const gc = (globalThis as { gc?: () => void }).gc!;
await ingest(table, {
  source: fileSource(new LocalStore(inputDir), { format: 'ndjson' }),
  mode: 'insert-only',
  derive: { hr: hourOf('ts') },
  batch: { maxRows: 5000, maxSeconds: 3600 },
  maxInvalidPerBatch: 0,
  writeOptions: { inlineClustering: { maxCommits: 4 } },
  onBatch: async () => {
    n++;
    if (n % 10 === 0) await table.clean({ readerGraceMs: 0 });
    if (n % 50 === 0) {
      gc();
      const m = process.memoryUsage();
      console.log(n, 'heapUsed', (m.heapUsed / 1e6).toFixed(0), 'external', (m.external / 1e6).toFixed(0), 'arrayBuffers', (m.arrayBuffers / 1e6).toFixed(0), 'rss', (m.rss / 1e6).toFixed(0));
      if (snap && n === Number(snap)) writeHeapSnapshot(`/tmp/memprobe/h-${n}.heapsnapshot`);
    }
  },
});
