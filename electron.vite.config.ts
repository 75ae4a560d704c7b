import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/**
 * The app icon as the page's /favicon.ico, emitted from build/icon.ico (the packaged app's icon), so a
 * browser's request for it finds one instead of a 404 on every load.
 */
function favicon() {
  return {
    name: 'ferry-favicon',
    generateBundle(this: {
      emitFile(file: { type: 'asset'; fileName: string; source: Uint8Array }): string;
    }) {
      const source = readFileSync(resolve(import.meta.dirname, 'build/icon.ico'));
      this.emitFile({ type: 'asset', fileName: 'favicon.ico', source });
    },
  };
}

// Explicit entries: the folders are main/, renderer/ and shared/ (docs/architecture.md), not src/.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can only be a single CommonJS file: bundle everything, split nothing.
      externalizeDeps: false,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/electron/preload.ts'),
          // The drop window's own preload: it offers the page nothing but handing over dropped files.
          drop: resolve(import.meta.dirname, 'main/electron/drop-preload.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react(), favicon()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'renderer/index.html'),
          drop: resolve(import.meta.dirname, 'renderer/drop.html'),
        },
      },
    },
  },
});
