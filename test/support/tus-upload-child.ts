// A Ferry service with a tus account in its own process, for the tus crash test: the parent SIGKILLs
// it while the tus emulator, in the parent, keeps the uploads and counts every byte.
//   node test/support/tus-upload-child.ts --data-dir D --account '{"endpoint":…,"chunkSize":…,"authHeaderValue":…}' [paths…]
// The account is added on the first run and reused after; with no paths the child only resumes what
// the journal holds. Prints one JSON line when idle.
import { parseArgs } from 'node:util';
import { createService } from '../../main/service.ts';
import type { AccountView, HistoryEntryView, TaskView } from '../../shared/models.ts';

export interface TusChildAccount {
  endpoint: string;
  chunkSize: number;
  authHeaderValue: string;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'data-dir': { type: 'string' }, account: { type: 'string' } },
});
if (!values['data-dir'] || !values.account) throw new Error('--data-dir and --account are required');
const account = JSON.parse(values.account) as TusChildAccount;

const service = await createService({ dataDir: values['data-dir'] });
const accounts = (await service.dispatch('accounts.list', {})) as AccountView[];
const existing = accounts.find((candidate) => candidate.providerId === 'tus');
const accountId =
  existing?.id ??
  (
    (await service.dispatch('accounts.add', {
      providerId: 'tus',
      name: 'crash tus',
      fields: { endpoint: account.endpoint, chunkSize: String(account.chunkSize) },
      secrets: { authHeaderValue: account.authHeaderValue },
    })) as AccountView
  ).id;
// Like the CLI, the paths on its own command line are the ones it was handed.
service.grantPaths(positionals);
if (positionals.length > 0) await service.dispatch('uploads.add', { paths: positionals, accountId });
await service.idle();
const page = (await service.dispatch('history.list', { limit: 500 })) as { entries: HistoryEntryView[] };
const unfinished = (await service.dispatch('uploads.list', {})) as TaskView[];
await service.close();
process.stdout.write(`${JSON.stringify({ entries: page.entries, unfinished })}\n`);
