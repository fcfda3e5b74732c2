// The prerequisite check of tests that need an outside program: skip with a notice locally,
// fail under CI.

import { describe, expect, it, vi } from 'vitest';
import { findTool, requireTool } from './support/tools.js';

describe('requireTool', () => {
  it('finds a program that runs', () => {
    expect(findTool(['lake-no-such-program', process.execPath])).toBe(process.execPath);
    expect(requireTool([process.execPath], 'nothing to install', {})).toBe(process.execPath);
  });

  it('skips with one line naming how to install a missing program, and fails under CI', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(requireTool(['lake-no-such-program'], 'apt-get install lake-no-such-program', {})).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toBe('skipped: lake-no-such-program not found; install it (apt-get install lake-no-such-program) to run these tests');
      expect(() => requireTool(['lake-no-such-program'], 'apt-get install x', { CI: 'true' })).toThrow(/CI requires it/);
    } finally {
      warn.mockRestore();
    }
  });
});
