// The engine packages (memory and S3 stores, parquet, core, query) bundled for browsers run in a
// real headless Chromium: create a table on the memory store, upsert, delete, read back, query.
// Without Chromium the test is skipped with a one-line notice (apt-get install chromium), and
// fails under CI.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import puppeteer from 'puppeteer-core';
import { buildBrowserBundle } from '../scripts/bundles.mjs';
import { requireTool } from './support/tools.js';

const chromium = requireTool(['chromium', 'chromium-browser', 'google-chrome'], 'apt-get install chromium');

describe.runIf(chromium !== undefined)('browser bundle', () => {
  it('writes and reads a table in headless Chromium', async () => {
    const bundle = readFileSync(await buildBrowserBundle(), 'utf8');
    const browser = await puppeteer.launch({ executablePath: chromium!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto('about:blank');
      await page.addScriptTag({ content: bundle, type: 'module' });
      await page.waitForFunction(() => 'lakeBrowser' in globalThis);
      const result = await page.evaluate(async () => {
        const lake = (globalThis as unknown as { lakeBrowser: { run(): Promise<{ rows: unknown[]; expensive: number; runtime: string }> } }).lakeBrowser;
        return lake.run();
      });
      expect(errors).toEqual([]);
      expect(result.runtime).toMatch(/HeadlessChrome|Chrome/);
      expect(result.rows).toEqual([{ id: 'b', cost: 3.5 }, { id: 'c', cost: 7 }]);
      expect(result.expensive).toBe(2);
    } finally {
      await browser.close();
    }
  });
});
