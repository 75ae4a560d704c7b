/**
 * The names of the contract's commands and events, without their schemas, so the preload can stay a
 * tiny bundle that knows which channels exist and nothing else.
 */
export const commandNames = [
  'accounts.list',
  'accounts.add',
  'accounts.update',
  'accounts.remove',
  'accounts.test',
  'vault.status',
  'uploads.add',
  'uploads.stage',
  'uploads.clipboard',
  'uploads.list',
  'uploads.pause',
  'uploads.resume',
  'uploads.cancel',
  'uploads.retry',
  'uploads.pauseAll',
  'uploads.resumeAll',
  'history.list',
  'history.showLocalFile',
  'history.delete',
  'history.export',
  'history.import',
  'settings.get',
  'settings.update',
  'settings.rotateLocalApiSecret',
  'notices.list',
  'notices.dismiss',
] as const;
export type CommandName = (typeof commandNames)[number];

export const eventNames = [
  'tasks.changed',
  'history.added',
  'history.updated',
  'history.removed',
  'settings.changed',
  'notice',
  'app.navigate',
  'app.openFiles',
] as const;
export type EventName = (typeof eventNames)[number];

/** Electron IPC channel for a command; events share one channel and carry their name. */
export const commandChannel = (name: CommandName): string => `ferry:command:${name}`;
export const eventChannel = 'ferry:event';
/**
 * Preload → main, one way: the paths of files the user dropped on the window or picked in it, which
 * `uploads.add` may then name. Not a contract command and not reachable from the page: only the
 * preload's own drop and pick listeners send on it (main/electron/preload-api.ts).
 */
export const grantChannel = 'ferry:grant-paths';

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && (commandNames as readonly string[]).includes(value);
}
