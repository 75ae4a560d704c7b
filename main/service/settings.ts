import type { FerryEvent } from '../../shared/contract.ts';
import type { CommandHandlers } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import type { SettingsStore } from '../store/settings-store.ts';
import type { Accounts } from './accounts.ts';
import type { LocalApiHost } from './local-api-host.ts';
import type { Uploads } from './uploads.ts';

export interface SettingsHandlersOptions {
  store: SettingsStore;
  logger: FerryLogger;
  uploads: Pick<Uploads, 'setConcurrency'>;
  /** The accounts as resolved for uploads, which hold the part size. */
  accounts: Pick<Accounts, 'settingsChanged'>;
  /** The local API when this service serves one; null for the CLI. */
  localApi: Pick<LocalApiHost, 'apply'> | null;
  emit(event: FerryEvent): void;
}

/** The settings commands, and what follows a change: the redactor, the engine's concurrency, the accounts' part size, the local API. */
export function settingsHandlers(
  options: SettingsHandlersOptions,
): Pick<CommandHandlers, 'settings.get' | 'settings.update' | 'settings.rotateLocalApiSecret'> {
  const { store, logger, uploads, accounts, localApi, emit } = options;
  return {
    'settings.get': async () => store.get(),
    'settings.update': async (patch) => {
      const next = store.update(patch);
      if (next.localApi.secret) logger.redactor.register(next.localApi.secret);
      if (patch.concurrency !== undefined) uploads.setConcurrency(next.concurrency);
      if (patch.partSizeMiB !== undefined) accounts.settingsChanged();
      // Started, stopped or moved before the answer, so the caller sees the new state at once.
      if (patch.localApi !== undefined) await localApi?.apply(next.localApi);
      logger.info('settings changed', { keys: Object.keys(patch) });
      emit({ name: 'settings.changed', payload: { settings: next } });
      return next;
    },
    // The server reads the secret at each request: the old one is refused from the next one on.
    'settings.rotateLocalApiSecret': async () => {
      const next = store.rotateLocalApiSecret();
      logger.redactor.register(next.localApi.secret);
      logger.info('local api secret rotated', {});
      emit({ name: 'settings.changed', payload: { settings: next } });
      return next;
    },
  };
}
