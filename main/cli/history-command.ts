import type { CommandResponse } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import type { FerryService } from '../service.ts';
import type { CliIo } from './cli-io.ts';
import { historyLine } from './format.ts';

/** The contract caps a page at 500 entries; larger limits follow the cursor. */
const maxPage = 500;

export async function showHistory(
  service: FerryService,
  io: CliIo,
  options: { search?: string; limit: number; json: boolean },
): Promise<number> {
  const entries: HistoryEntryView[] = [];
  let cursor: string | undefined;
  while (entries.length < options.limit) {
    const page = (await service.dispatch('history.list', {
      limit: Math.min(maxPage, options.limit - entries.length),
      ...(options.search === undefined ? {} : { search: options.search }),
      ...(cursor === undefined ? {} : { cursor }),
    })) as CommandResponse<'history.list'>;
    entries.push(...page.entries);
    if (page.nextCursor === null || page.entries.length === 0) break;
    cursor = page.nextCursor;
  }
  for (const entry of entries) {
    io.stdout.write(`${options.json ? JSON.stringify(entry) : historyLine(entry)}\n`);
  }
  if (entries.length === 0 && !options.json) {
    io.stderr.write(
      options.search === undefined ? 'No uploads yet.\n' : `Nothing matches "${options.search}".\n`,
    );
  }
  return 0;
}
