import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createPreloadApi, type PageLike } from './preload-api.ts';

// Runs sandboxed in the page's isolated world; everything testable lives in preload-api.ts.
// globalThis is that world's window (the Node-side tsconfig has no DOM types, hence the cast).
const page = globalThis as unknown as PageLike;
contextBridge.exposeInMainWorld('ferry', createPreloadApi(ipcRenderer, webUtils, page));
