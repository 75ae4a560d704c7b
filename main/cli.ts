#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import type { CliOutput } from './cli/cli-io.ts';

// Node keeps the type-stripped and compiled code of every module after this one in its compile cache
// (in the temp folder), so a later run skips stripping and parsing them: about a third of the start
// of a short command. Hence the dynamic imports: static ones would load them before this line runs.
enableCompileCache();
const [{ runCli }, { exitCodes }] = await Promise.all([import('./cli/run.ts'), import('./cli/cli-io.ts')]);

// `ferry`: the desktop app's service in-process, without the web shell or Electron.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C stops cleanly (journal kept for `ferry resume`); a second one does not wait.
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});
process.on('SIGTERM', () => interrupt.abort());

// A reader that went away (`ferry history --json | head -c 700`) ends the command as it ends any Unix
// tool: quietly, with success. It stops like Ctrl-C (unfinished uploads stay in the journal for
// `ferry resume`), without a word on stderr, which often goes to the same closed pipe.
const outputGone = new AbortController();
process.stdout.on('error', (error: NodeJS.ErrnoException) => outputGone.abort(error));
process.stderr.on('error', () => {}); // nowhere left to say anything
const readerLeft = (): boolean =>
  (outputGone.signal.reason as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
const stderr: CliOutput = {
  write: (text) => readerLeft() || process.stderr.write(text),
  get isTTY() {
    return process.stderr.isTTY;
  },
  get columns() {
    return process.stderr.columns;
  },
  get rows() {
    return process.stderr.rows;
  },
};

let code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr,
  stdin: process.stdin,
  env: process.env,
  signal: AbortSignal.any([interrupt.signal, outputGone.signal]),
});
if (outputGone.signal.aborted && !interrupt.signal.aborted) {
  const error = outputGone.signal.reason as NodeJS.ErrnoException;
  if (readerLeft()) {
    if (code === exitCodes.interrupted) code = exitCodes.ok;
  } else {
    // Not a reader that left: the output is lost (a full disk behind `>`, an I/O error).
    process.stderr.write(`ferry: cannot write the output: ${error.message}\n`);
    code = exitCodes.failed;
  }
}
// Let piped output drain before exiting; an idle keep-alive socket must not hold the process open.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
