// A Ferry service in its own process, for tests and benchmarks that kill it (SIGKILL) or measure its
// memory. The emulator stays in the parent, so it survives the kills and counts every byte.
//   node test/support/upload-child.ts --data-dir D --endpoint '{"baseUrl":…,"credentials":…}' [--concurrency N] [paths…]
// With no paths it only resumes what the journal holds. Prints one JSON line when idle.
import { parseArgs } from 'node:util';
import { createService, sandboxAccountId } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string' },
    endpoint: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
if (!values['data-dir'] || !values.endpoint) throw new Error('--data-dir and --endpoint are required');

const startRssBytes = process.memoryUsage().rss;
const service = await createService({
  dataDir: values['data-dir'],
  sandboxEmulator: JSON.parse(values.endpoint) as {
    baseUrl: string;
    credentials: { sdkAppId: string; identifier: string; userSig: string };
  },
  ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
});
const uploadStart = performance.now();
if (positionals.length > 0)
  await service.dispatch('uploads.add', { paths: positionals, accountId: sandboxAccountId });
await service.idle();
const uploadMs = performance.now() - uploadStart;
const entries: CommandResponse<'history.list'>['entries'] = [];
let cursor: string | undefined;
do {
  const page = (await service.dispatch('history.list', {
    limit: 500,
    ...(cursor ? { cursor } : {}),
  })) as CommandResponse<'history.list'>;
  entries.push(...page.entries);
  cursor = page.nextCursor ?? undefined;
} while (cursor);
const tasks = await service.dispatch('uploads.list', {});
await service.close();
process.stdout.write(
  `${JSON.stringify({
    entries,
    unfinished: tasks,
    startRssBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    uploadMs,
  })}\n`,
);
