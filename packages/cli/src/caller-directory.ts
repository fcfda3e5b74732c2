// Package managers run a package script (`pnpm lake ...`, `npm run lake -- ...`) in the folder of
// the package.json that defines it and pass the folder the user was in as INIT_CWD. For the
// `lake` script that folder is what relative table paths and input files are relative to.

export function callerDirectory(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const initCwd = env.INIT_CWD;
  if (env.npm_lifecycle_event !== 'lake' || initCwd === undefined || initCwd === '' || initCwd === cwd) return undefined;
  return initCwd;
}
