import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { createService } from '../service.ts';
import { Application } from './application.ts';

// electron-vite builds this file to out/main/index.js; the preload and renderer builds are its siblings.
const outDir = join(import.meta.dirname, '..');

new Application({
  electron: { app, protocol, session, ipcMain, BrowserWindow, dialog, shell, safeStorage },
  createService,
  rendererDir: join(outDir, 'renderer'),
  preloadPath: join(outDir, 'preload', 'index.cjs'),
}).start();
