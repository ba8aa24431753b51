#!/usr/bin/env node
// Builds the browser playground (src/playground, with the WASM kernels) into build/playground/ with
// vite. Without vite installed (a production install) it prints one line and exits 0: `dln playground`
// then says the page is not built.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let vite;
try {
  vite = await import('vite');
} catch {
  console.log('dln: vite is not installed; the playground page is not built');
  process.exit(0);
}
if (!existsSync(join(root, 'wasm', 'build', 'kernels.wasm'))) {
  console.error('dln: the playground needs wasm/build/kernels.wasm (run: node scripts/build-wasm.mjs)');
  process.exit(1);
}
try {
  await vite.build({ configFile: join(root, 'vite.playground.config.ts'), root: join(root, 'src', 'playground') });
} catch (e) {
  console.error(`dln: building the playground failed: ${e.message}`);
  process.exit(1);
}
console.log('dln: playground built (build/playground/)');
