#!/usr/bin/env node
// Compiles the library for the package: src/ → dist/ (ES2022 modules and .d.ts declarations, by
// tsconfig.build.json), plus the plain-JavaScript worker entries (src/**/*.mjs) copied beside the
// compiled modules they load. Runs at `prepare` (npm ci in a checkout, and before npm pack).
// Without typescript installed it prints one line and exits 0 (the sources still run under tsx).
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src'), dist = join(root, 'dist');

let tsc;
try {
  tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  console.log('dln: typescript is not installed; dist/ is not built');
  process.exit(0);
}

rmSync(dist, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) {
  console.error('dln: compiling src/ to dist/ failed');
  process.exit(1);
}

let workers = 0;
(function copyMjs(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) copyMjs(p);
    else if (name.endsWith('.mjs')) {
      const to = join(dist, relative(src, p));
      if (existsSync(dirname(to))) { cpSync(p, to); workers++; }
    }
  }
})(src);
console.log(`dln: library built (dist/, ${workers} worker entries copied)`);
