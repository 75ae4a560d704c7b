// A Ferry service in its own process, for tests and benchmarks that kill it (SIGKILL) or measure its
// memory. The emulator stays in the parent, so it survives the kills and counts every byte.
//   node test/support/upload-child.ts --data-dir D --endpoint '{"baseUrl":…,"credentials":…}' [--concurrency N]
//     [--account '{"providerId":…,"fields":{…},"secrets":{…}}'] [paths…]
// The endpoint backs the built-in Sandbox account; --account adds another account (first run in a data
// folder) and uploads to it instead. With no paths it only resumes what the journal holds. Prints one
// JSON line when idle.
import { parseArgs } from 'node:util';
import { createService, sandboxAccountId } from '../../main/service.ts';
import type { CommandRequest, CommandResponse } from '../../shared/contract.ts';
import type { AccountView } from '../../shared/models.ts';
import { peakRssBytes } from './peak-rss.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string' },
    endpoint: { type: 'string' },
    concurrency: { type: 'string' },
    account: { type: 'string' },
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
let accountId = sandboxAccountId;
if (values.account) {
  const wanted = JSON.parse(values.account) as CommandRequest<'accounts.add'>;
  const existing = ((await service.dispatch('accounts.list', {})) as AccountView[]).find(
    (account) => account.providerId === wanted.providerId && !account.isSandbox,
  );
  accountId = existing?.id ?? ((await service.dispatch('accounts.add', wanted)) as AccountView).id;
}
const uploadStart = performance.now();
// Like the CLI, the paths on its own command line are the ones it was handed.
service.grantPaths(positionals);
if (positionals.length > 0) await service.dispatch('uploads.add', { paths: positionals, accountId });
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
    peakRssBytes: peakRssBytes(),
    uploadMs,
  })}\n`,
);
