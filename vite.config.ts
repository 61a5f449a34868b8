/**
 * The renderer build: the user interface (index.html) and the store host page
 * (store-host/index.html), into out/renderer. Paths are relative ('./') so that the built
 * store host opens as a file:// URL, the one origin whose IndexedDB survives restarts.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, 'renderer');

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 2000,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: resolve(root, 'index.html'), storeHost: resolve(root, 'store-host/index.html') },
    },
  },
});
