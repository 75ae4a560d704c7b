import type { FerryApi } from '../../shared/contract.ts';
import { createElectronApi } from './electron-bridge.ts';
import { createElectronFileIntake, createWebFileIntake, type FileIntake } from './file-intake.ts';
import { WebApi, type ConnectionStatus } from './web-api.ts';
import { takeWebToken } from './web-token.ts';

export interface Connection {
  api: FerryApi;
  intake: FileIntake;
  /** Only transports that can drop have one. */
  status: ConnectionStatus | null;
  /** Where the page runs: what the desktop app adds (tray, notifications) is not there in a browser. */
  shell: 'desktop' | 'browser';
}

export type ConnectResult = { ok: true; connection: Connection } | { ok: false; reason: 'missing-token' };

/**
 * Electron when the preload is there, else the web shell. The rest of the renderer uses the same api
 * either way; only `shell` tells the views what a browser cannot do (tray, notifications, file manager).
 */
export function connectApi(): ConnectResult {
  const bridge = window.ferry;
  if (bridge !== undefined) {
    const api = createElectronApi(bridge);
    return {
      ok: true,
      connection: { api, intake: createElectronFileIntake(bridge, api), status: null, shell: 'desktop' },
    };
  }
  const token = takeWebToken();
  if (token === null) return { ok: false, reason: 'missing-token' };
  const api = new WebApi({ token });
  return {
    ok: true,
    connection: { api, intake: createWebFileIntake(token), status: api, shell: 'browser' },
  };
}
