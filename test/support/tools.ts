// Tests that need a program outside Node (nats-server, chromium): when it is missing they are
// skipped with one line saying how to install it, except under CI (CI=true, as .ci/run sets),
// where a missing program fails the run instead of silently testing less.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Where `command` is on the PATH (or itself when given as a path). */
function onPath(command: string): string | undefined {
  if (isAbsolute(command)) return existsSync(command) ? command : undefined;
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command)).find((path) => existsSync(path));
}

/** The full path of the first of `commands` that runs (`<command> --version`), or undefined. */
export function findTool(commands: readonly string[]): string | undefined {
  for (const command of commands) {
    const path = onPath(command);
    if (path !== undefined && spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 30_000 }).error === undefined) return path;
  }
  return undefined;
}

/**
 * Whether the tests needing one of `commands` can run. Missing: a one-line notice and false, or
 * under CI an error that fails the test file.
 */
export function requireTool(commands: readonly string[], install: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = findTool(commands);
  if (found !== undefined) return found;
  const message = `${commands[0]} not found; install it (${install}) to run these tests`;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') throw new Error(`${message}: CI requires it`);
  console.warn(`skipped: ${message}`);
  return undefined;
}
