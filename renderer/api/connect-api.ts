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
}

export type ConnectResult = { ok: true; connection: Connection } | { ok: false; reason: 'missing-token' };

/** Electron when the preload is there, else the web shell; the rest of the renderer never asks which. */
export function connectApi(): ConnectResult {
  const bridge = window.ferry;
  if (bridge !== undefined) {
    const api = createElectronApi(bridge);
    return { ok: true, connection: { api, intake: createElectronFileIntake(bridge, api), status: null } };
  }
  const token = takeWebToken();
  if (token === null) return { ok: false, reason: 'missing-token' };
  const api = new WebApi({ token });
  return { ok: true, connection: { api, intake: createWebFileIntake(token), status: api } };
}
