import { appendFileSync } from 'node:fs';

// Preloaded (`node --expose-gc --import`) into servers that tests start as child processes: on SIGUSR2
// a full collection, then process.memoryUsage() appended as a JSON line to FERRY_TEST_HEAP_FILE, so a
// test can tell memory still held from memory V8 merely keeps reserved. Nothing in Ferry does this.
const report = process.env.FERRY_TEST_HEAP_FILE;
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  if (report) appendFileSync(report, `${JSON.stringify(process.memoryUsage())}\n`);
});
