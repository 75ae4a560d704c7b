import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createDropPreloadApi } from './drop-preload-api.ts';

// The drop window's preload: sandboxed, in the page's isolated world; the logic is in drop-preload-api.ts.
contextBridge.exposeInMainWorld('ferryDrop', createDropPreloadApi(ipcRenderer, webUtils));
