#!/usr/bin/env node
// Compiles the WASM SIMD kernels (wasm/kernels.ts, AssemblyScript) to wasm/build/kernels.wasm
// (+ a .wat text listing for inspection). Without assemblyscript installed (a production install)
// it prints one line and exits 0: dln then runs on the native or TypeScript kernels.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'wasm', 'build');

let asc;
try {
  asc = (await import('assemblyscript/asc')).default;
} catch {
  console.log('dln: assemblyscript is not installed; the WASM kernels are not built');
  process.exit(0);
}

mkdirSync(out, { recursive: true });
const { error, stderr } = await asc.main([
  join(root, 'wasm', 'kernels.ts'),
  '--outFile', join(out, 'kernels.wasm'),
  '--textFile', join(out, 'kernels.wat'),
  '-O3', '--noAssert',
  '--enable', 'simd',
  '--runtime', 'stub',
  // abort is unreachable with --noAssert; dropping the import keeps the module import-free.
  '--use', 'abort=',
]);
if (error) {
  console.error(stderr.toString());
  console.error(`dln: compiling the WASM kernels failed: ${error.message}`);
  process.exit(1);
}
console.log('dln: WASM kernels built (wasm/build/kernels.wasm)');
