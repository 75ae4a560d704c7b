import type { FerryEvent, Notice } from '../../shared/contract.ts';
import type { Settings } from '../../shared/settings.ts';
import type { FerryLogger } from '../log/logger.ts';

/**
 * What the service asks of the PicGo-compatible local API. main/local-api builds it, a floor above the
 * service: the transports that serve it (the app, the web shell) plug it in through
 * `ServiceOptions.localApi`, so the service never imports it and the CLI never serves it.
 */
export interface LocalApiHost {
  /** Bring the server to these settings (started, stopped or moved); resolves once it is there or has failed. */
  apply(config: Pick<Settings['localApi'], 'enabled' | 'port'>): Promise<void>;
  /** Its "could not start" notice while that lasts. */
  notices(): Notice[];
  close(): Promise<void>;
}

/** What the service gives the local API: its own contract (nothing behind it), the settings, the log. */
export interface LocalApiDeps {
  service: {
    dispatch(name: unknown, request: unknown): Promise<unknown>;
    subscribe(listener: (event: FerryEvent) => void): () => void;
  };
  settings(): Settings;
  logger: FerryLogger;
  /** Tell the user (the `notice` event), e.g. that the port is taken. */
  notify(notice: Notice): void;
}

export type LocalApiFactory = (deps: LocalApiDeps) => LocalApiHost;
