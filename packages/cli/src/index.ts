// @lake/cli public API: run the `lake` command in-process (for tests and embedding).
export { runCli, buildProgram } from './program.js';
export { type CliIO, processIO } from './io.js';
