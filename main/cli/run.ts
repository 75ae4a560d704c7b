import { readFileSync } from 'node:fs';
import { CommandError } from '../contract-dispatch.ts';
import { createService, type FerryService } from '../service.ts';
import { DataDirLockedError } from '../store/data-dir-lock.ts';
import {
  addAccount,
  gatherAccountInput,
  listAccounts,
  removeAccount,
  setAccount,
  testAccount,
} from './accounts-command.ts';
import { parseCommand, UsageError, type CliCommand } from './args.ts';
import { CliFailure, exitCodes, type CliIo } from './cli-io.ts';
import { helpText } from './help.ts';
import { showHistory } from './history-command.ts';
import { PromptInterrupted } from './secrets.ts';
import { upload, resume } from './upload-command.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Refusals the user can fix by changing the command line; everything else is a failure (exit 1). */
const usageCodes = new Set(['account-invalid', 'account-not-found', 'invalid-request', 'unknown-command']);

async function openService(dataDir: string, concurrency?: number): Promise<FerryService> {
  try {
    // A one-shot command never serves the local upload API (no `localApi`), even when the app's
    // settings enable it, and starts the Sandbox's emulator only if it uploads there: its links die
    // with the process.
    return await createService({
      dataDir,
      sandboxStart: 'on-first-use',
      ...(concurrency === undefined ? {} : { concurrency }),
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new CliFailure(error.message);
    throw error;
  }
}

async function withService(
  io: CliIo,
  dataDir: string,
  run: (service: FerryService) => Promise<number>,
  concurrency?: number,
): Promise<number> {
  const service = await openService(dataDir, concurrency);
  try {
    // A repaired database lost data: said first, on stderr (stdout may be JSON for a script), and the
    // exit code says it too — once: the next run finds a healthy database.
    const recovered = service.recoveredAtStart;
    if (recovered !== null) io.stderr.write(`ferry: ${recovered.message}\n`);
    const code = await run(service);
    return recovered !== null && code === exitCodes.ok ? exitCodes.recovered : code;
  } finally {
    // Unfinished uploads stay in the journal; `ferry resume` or the app picks them up.
    await service.close();
  }
}

async function execute(command: CliCommand, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.stdout.write(helpText(command.topic));
      return exitCodes.ok;
    case 'version':
      io.stdout.write(`ferry ${version()}\n`);
      return exitCodes.ok;
    case 'accounts add': {
      const input = await gatherAccountInput(command, io);
      return withService(io, command.dataDir, (service) => addAccount(command, input, service, io));
    }
    case 'accounts set':
      return withService(io, command.dataDir, (service) => setAccount(command, service, io));
    case 'accounts list':
      return withService(io, command.dataDir, (service) => listAccounts(service, io, command.json));
    case 'accounts test':
      return withService(io, command.dataDir, (service) => testAccount(command, service, io));
    case 'accounts remove':
      return withService(io, command.dataDir, (service) => removeAccount(command, service, io));
    case 'upload':
      return withService(io, command.dataDir, (service) => upload(service, io, command), command.concurrency);
    case 'resume':
      return withService(io, command.dataDir, (service) => resume(service, io, command.json));
    case 'history':
      return withService(io, command.dataDir, (service) => showHistory(service, io, command));
  }
}

/** Run one `ferry` command line and return its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const code = await execute(parseCommand(argv, io.env), io);
    return io.signal.aborted ? exitCodes.interrupted : code;
  } catch (error) {
    if (error instanceof UsageError) {
      const hint = error.topic === 'main' ? 'ferry --help' : `ferry ${error.topic} --help`;
      io.stderr.write(`ferry: ${error.message}\nSee \`${hint}\`.\n`);
      return exitCodes.usage;
    }
    if (error instanceof PromptInterrupted) return exitCodes.interrupted;
    if (error instanceof CommandError) {
      io.stderr.write(`ferry: ${error.view.message}\n`);
      return usageCodes.has(error.view.code) ? exitCodes.usage : exitCodes.failed;
    }
    if (error instanceof CliFailure) {
      io.stderr.write(`ferry: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `ferry: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitCodes.failed;
  }
}
