// The LSM history manifest as Hudi's Jackson writer prints it, and what a reader refuses.

import { describe, expect, it } from 'vitest';

import { CorruptTimelineError } from '../errors.js';
import { parseLsmManifest } from './lsm-history.js';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseLsmManifest', () => {
  it('reads the pretty-printed manifest Hudi writes, ignoring fields it does not know', () => {
    const text =
      '{\n  "files" : [ {\n    "fileName" : "20260101000000000_20260101000009000_0.parquet",\n    "fileLen" : 4711\n  }, ' +
      '{\n    "fileName" : "20260101000010000_20260101000019000_1.parquet",\n    "fileLen" : 815,\n    "level" : 1\n  } ],\n  "extra" : true\n}';
    expect(parseLsmManifest(enc(text), 'h/manifest_3', 3)).toEqual({
      version: 3,
      key: 'h/manifest_3',
      files: [
        { fileName: '20260101000000000_20260101000009000_0.parquet', fileLen: 4711 },
        { fileName: '20260101000010000_20260101000019000_1.parquet', fileLen: 815 },
      ],
    });
  });

  it('reads an empty manifest file as one listing no file, as Hudi does', () => {
    expect(parseLsmManifest(new Uint8Array(0), 'h/manifest_1', 1).files).toEqual([]);
  });

  it.each([
    ['not JSON', '{"files": ['],
    ['no files list', '{"entries": []}'],
    ['an entry without a file name', '{"files": [{"fileLen": 3}]}'],
    ['a file name with a folder', '{"files": [{"fileName": "../x.parquet", "fileLen": 3}]}'],
    ['not an object', '[1]'],
  ])('refuses %s with CorruptTimelineError naming the manifest', (_what, text) => {
    const err = (() => {
      try {
        parseLsmManifest(enc(text), 'h/manifest_2', 2);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CorruptTimelineError);
    expect((err as CorruptTimelineError).file).toBe('h/manifest_2');
  });
});
