// Errors that the command line reports as one line and exit code 2.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `<command> --help`: the command's usage is printed and the command line exits 0; `flags` are the options it takes. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor(readonly flags: string[]) {
    super('help requested');
  }
}
