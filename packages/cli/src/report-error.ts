// How a failed command is reported: one `lake: <message>` line on stderr. Usage errors add where
// to read the command's usage and exit with 2; table and store errors exit with 1.

import { CommanderError, type Command } from 'commander';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

/** The command named on the command line, if it is one of the program's. */
function commandName(program: Command, argv: string[]): string | undefined {
  const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  return argv.find((a) => names.has(a));
}

function usageHint(program: Command, argv: string[]): string {
  const name = commandName(program, argv);
  return name === undefined ? "run 'lake --help' for the commands" : `run 'lake ${name} --help' for its usage`;
}

export async function reportError(error: unknown, program: Command, argv: string[], io: CliIO): Promise<number> {
  // Loaded here, not up front: the error classes live with the engine packages. Credentials
  // inside a URI argument never reach the terminal.
  const { LakeError, redactUri } = await import('@lake/storage');
  if (error instanceof CommanderError) {
    io.err(`lake: ${redactUri(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '))}`);
    io.err(usageHint(program, argv));
    return 2;
  }
  if (error instanceof UsageError) {
    io.err(`lake: ${redactUri(error.message)}`);
    io.err(usageHint(program, argv));
    return 2;
  }
  if (error instanceof LakeError) {
    io.err(`lake: ${error.message}`);
    return 1;
  }
  io.err(`lake: unexpected error: ${redactUri((error as Error)?.stack ?? String(error))}`);
  return 1;
}
