import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import { LocalApiController } from '../local-api/local-api-controller.ts';
import { createService } from '../service.ts';
import { Application } from './application.ts';
import { e2eHooksEnabled, installE2EProbe } from './e2e-hooks.ts';

// electron-vite builds this file to out/main/index.js; the preload and renderer builds are its siblings.
const outDir = join(import.meta.dirname, '..');

const desktop = { Tray, Menu, nativeImage, clipboard, Notification, powerSaveBlocker, globalShortcut };
// The Electron e2e suite's hooks (test/e2e/electron/): a throwaway data folder, and a probe of the
// tray menu and notifications. Only with FERRY_E2E_HOOKS=1; they add no IPC and no renderer access.
const e2eHooks = e2eHooksEnabled();
if (e2eHooks && process.env.FERRY_E2E_USER_DATA) app.setPath('userData', process.env.FERRY_E2E_USER_DATA);

new Application({
  electron: {
    app,
    protocol,
    session,
    ipcMain,
    BrowserWindow,
    dialog,
    shell,
    safeStorage,
    desktop: e2eHooks ? installE2EProbe(desktop) : desktop,
    screen,
  },
  // The app serves the PicGo-compatible local API for editors when its settings enable it.
  createService: (options) => createService({ ...options, localApi: (deps) => new LocalApiController(deps) }),
  rendererDir: join(outDir, 'renderer'),
  preloadPath: join(outDir, 'preload', 'index.cjs'),
  dropPreloadPath: join(outDir, 'preload', 'drop.cjs'),
  // The app's root (the asar when packaged): electron-builder.yml must package resources/tray/.
  trayIconDir: join(app.getAppPath(), 'resources', 'tray'),
  argv: process.argv,
  defaultApp: process.defaultApp,
}).start();
