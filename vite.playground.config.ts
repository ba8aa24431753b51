// Builds src/playground (page + worker + WASM kernels) into build/playground/, relative URLs so the
// folder works from any path of any static host.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const version = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

export default defineConfig({
  root: 'src/playground',
  base: './',
  logLevel: 'warn',
  define: { __DLN_VERSION__: JSON.stringify(version) },
  build: {
    outDir: '../../build/playground',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
