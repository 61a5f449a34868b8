/**
 * The desktop build (electron-vite): main process, the two preloads, and the renderer.
 * Main and the preloads are CommonJS (`.cjs`): sandboxed preloads must be, and main follows
 * so that everything in out/ loads the same way. The renderer is the very same build as
 * browser mode's (vite.config.ts): one list of pages, one set of plugins.
 *
 * Output: out/main/index.cjs, out/preload/{index,storeHost}.cjs, out/renderer/**.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import renderer from './vite.config';

const here = (path: string) => resolve(import.meta.dirname, path);
const commonJs = { format: 'cjs' as const, entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' };

export default defineConfig({
  main: {
    build: {
      outDir: here('out/main'),
      rolldownOptions: { input: { index: here('main/electron/index.ts') }, output: commonJs },
    },
  },
  preload: {
    build: {
      outDir: here('out/preload'),
      // Each preload one file with everything it uses inside: a sandboxed preload's
      // `require` reaches only electron, not a shared chunk (both preloads take their
      // channel names from shared/api/channels.ts) nor node_modules (zod, for the contract).
      isolatedEntries: true,
      externalizeDeps: false,
      rolldownOptions: { input: { index: here('preload/index.ts'), storeHost: here('preload/storeHost.ts') }, output: commonJs },
    },
  },
  renderer,
});
