// A command line that cannot run as given (options that exclude each other, a missing companion
// option): printed as `lake: ...` with exit code 2, like commander's own usage errors.

export class UsageError extends Error {
  override name = 'UsageError';
}
