import { resolveProcessing, type ProcessingSettings } from '../../shared/processing.ts';
import type { TaskPlan } from '../store/task-journal.ts';
import type { DropOptions } from './uploads.ts';

/**
 * What a drop's tasks do before their bytes leave: the global default, then the account's fields,
 * then the drop's own overrides (the CLI's flags); "upload original" and "force" last.
 */
export function planFor(
  global: ProcessingSettings,
  accountFields: Readonly<Record<string, string>>,
  drop: DropOptions,
): TaskPlan {
  const settings = resolveProcessing(global, accountFields, drop.processing ?? {});
  const processes = drop.process !== false && settings.enabled;
  return {
    processing: processes ? settings : null,
    dedupe: settings.dedupe && drop.force !== true,
    rename: settings.rename,
  };
}
