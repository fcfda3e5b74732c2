// Runs the `lake` command in-process, capturing what it prints and its exit code.

import { runCli, type CliIO } from '@lake/cli';

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

export async function lake(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}
