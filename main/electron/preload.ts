import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createPreloadApi } from './preload-api.ts';

// Runs sandboxed in the page's isolated world; everything testable lives in preload-api.ts.
contextBridge.exposeInMainWorld('ferry', createPreloadApi(ipcRenderer, webUtils));
