import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox.ts';
import type { SandboxOptions } from './sandbox.ts';

const usage = 'usage: node main/sandbox/start.ts [--data-dir <dir>] [--port <n>]';

/** Throws with the usage line on anything it does not understand. */
export function parseStartArgs(argv: readonly string[]): SandboxOptions {
  let values: { 'data-dir'?: string | undefined; port?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'data-dir': { type: 'string' }, port: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`, { cause: error });
  }
  const options: SandboxOptions = {};
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be 0-65535\n${usage}`);
    options.port = port;
  }
  return options;
}

/**
 * Run the sandbox until SIGINT/SIGTERM. Stdout carries exactly one line, the endpoints as JSON, so
 * scripts can read it; everything meant for people goes to stderr.
 */
async function main(): Promise<void> {
  let options: SandboxOptions;
  try {
    options = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const sandbox = await startSandbox(options);
  keepServingThroughStrayErrors();
  process.stdout.write(`${JSON.stringify(sandbox.endpoints)}\n`);
  process.stderr.write(`Ferry sandbox running, data in ${sandbox.dataDir}. Ctrl+C to stop.\n`);

  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: stopping the sandbox\n`);
    sandbox.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`failed to stop cleanly: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * The last resort, for this standalone process only (the app embeds its emulator without it). Every
 * request's errors are caught where it is handled, but the servers underneath (s3rver, @tus/server)
 * can still throw from a timer or a stream callback that no handler sees; a sandbox that tests and
 * people are using is worth more running, with the error on stderr, than gone. Installed once the
 * emulators listen, so that a failed start still ends the process.
 */
function keepServingThroughStrayErrors(): void {
  const report = (kind: string) => (error: unknown) => {
    const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`sandbox: ${kind} outside any request, still serving: ${details}\n`);
  };
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
}

if (import.meta.main) await main();
