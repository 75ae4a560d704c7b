#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Node keeps the type-stripped and compiled code of every module after this one in its compile cache
// (in the temp folder), so a later run skips stripping and parsing them: about a third of the start
// of a short command. Hence the dynamic import: a static one would load them before this line runs.
enableCompileCache();
const { runCli } = await import('./cli/run.ts');

// `ferry`: the desktop app's service in-process, without the web shell or Electron.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C stops cleanly (journal kept for `ferry resume`); a second one does not wait.
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});
process.on('SIGTERM', () => interrupt.abort());

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: interrupt.signal,
});
// Let piped output drain before exiting; an idle keep-alive socket must not hold the process open.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(code);
