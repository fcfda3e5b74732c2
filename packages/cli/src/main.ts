// Entry point of the `lake` binary.
import { processIO } from './io.js';
import { runCli } from './program.js';
import { callerDirectory } from './caller-directory.js';

// `pnpm lake ...` (or `npm run lake`) runs in the package root; relative paths on the command
// line mean the folder the user typed the command in.
const caller = callerDirectory(process.env, process.cwd());
if (caller !== undefined) process.chdir(caller);
process.exitCode = await runCli(process.argv.slice(2), processIO);
