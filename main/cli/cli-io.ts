/** A stream the CLI writes to; TTY facts decide between progress bars and plain lines. */
export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** Everything a command touches outside the service, so the process is wired in exactly one place. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on the first SIGINT: commands stop waiting and let the service close cleanly. */
  signal: AbortSignal;
}

/** Ferry could not do what was asked for a reason that is not a usage error: exit code 1. */
export class CliFailure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}

/** `recovered`: the command ran, but the database was found damaged at start and data was lost (said once). */
export const exitCodes = { ok: 0, failed: 1, usage: 2, recovered: 3, interrupted: 130 } as const;
