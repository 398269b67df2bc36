// Errors that the command line reports as one line and exit code 2.
export class UsageError extends Error {
  override name = 'UsageError';
}
