// Where the CLI prints: injectable so tests run commands in-process and read what they print.

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Whether stdout is a terminal (progress bars, colours). */
  isTTY: boolean;
}

// A reader that stops early (`lake show ... | head`) closes the pipe: that ends the output, as
// for any Unix tool, and is no error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};
