import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

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
    plugins: [react()],
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
