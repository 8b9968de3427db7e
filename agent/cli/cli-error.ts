/**
 * Exit statuses (part of the CLI's contract: 2 for bad input, 1 for a failure while working)
 * and the error that carries one. Kept free of imports so the CLI's entry loads it for nothing.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** A failure the CLI reports as one clear message and an exit status, without a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
